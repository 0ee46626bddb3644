"""bot/server/quiet.py: known third-party warnings are silenced in our processes; real ones and ours stay visible."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from bot.server.quiet import KNOWN, TQDM_NOT_A_TERMINAL, quiet_environment
from tests import PROCESS_TIMEOUT, Stream

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[3]


def _python(*parts: str) -> subprocess.CompletedProcess:
    """Run the code in a fresh interpreter (filters are per process), with Python's default warning filters."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    code = "\n".join(textwrap.dedent(part) for part in parts)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=PROCESS_TIMEOUT)


EMIT = """
    import warnings

    def emit(message, category, module):
        warnings.warn_explicit(message, category, module.replace(".", "/") + ".py", 1, module=module)

    emit("Deprecated API features detected! (SQLAlchemy 2.0)", DeprecationWarning, "rasa.core.tracker_store")
    emit("'setParseAction' deprecated - use 'set_parse_action'", DeprecationWarning, "matplotlib.fontconfig_pattern")
    emit("distutils Version classes are deprecated.", DeprecationWarning, "sanic_cors.extension")
    emit("UNKNOWN third-party deprecation", DeprecationWarning, "rasa.core.tracker_store")
    emit("Deprecated API features detected! (OURS)", DeprecationWarning, "knowledge.build")
    emit("a real UserWarning of Rasa", UserWarning, "rasa.shared.utils.io")
"""


def test_known_warnings_ignored_even_after_sanic_and_rasa_put_their_filters_in_front():
    result = _python("""
        import warnings
        from bot.server.quiet import quiet
        quiet()
        import sanic.app  # filterwarnings("once", category=DeprecationWarning), in front
        warnings.filterwarnings("once", category=UserWarning)  # what Rasa's start-up does
        warnings.simplefilter("default")
    """, EMIT)
    assert result.returncode == 0, result.stderr
    assert "SQLAlchemy 2.0" not in result.stderr
    assert "setParseAction" not in result.stderr
    assert "distutils" not in result.stderr
    # Not in the list, or not raised by the listed module: still shown.
    assert "UNKNOWN third-party deprecation" in result.stderr
    assert "(OURS)" in result.stderr
    assert "a real UserWarning of Rasa" in result.stderr


def test_without_quiet_the_same_warnings_are_shown():
    """The check above is meaningful: sanic alone shows every one of them."""
    result = _python("import sanic.app", EMIT)
    for text in ("SQLAlchemy 2.0", "setParseAction", "distutils", "UNKNOWN third-party", "(OURS)"):
        assert text in result.stderr


def test_real_third_party_imports_are_quiet():
    code = """
        import sanic.app
        import sanic_cors  # distutils LooseVersion
        from rasa.shared.constants import DOMAIN_SCHEMA_FILE
        from rasa.shared.utils.validation import validate_yaml_schema

        # imports pkg_resources (deprecated), which declares namespaces the deprecated way (mpl_toolkits, ruamel)
        validate_yaml_schema('version: "3.1"', DOMAIN_SCHEMA_FILE)
    """
    assert _python(code).stderr.count("DeprecationWarning") == 5  # … and pykwalify's load_module()
    result = _python("from bot.server.quiet import quiet\nquiet()", code)
    assert result.returncode == 0 and result.stderr == ""


def test_errors_are_not_filtered():
    result = _python("""
        import warnings
        from bot.server.quiet import quiet
        quiet()
        warnings.simplefilter("error")
        warnings.warn_explicit("UNKNOWN", DeprecationWarning, "x.py", 1, module="rasa.core.tracker_store")
    """)
    assert result.returncode == 1 and "DeprecationWarning: UNKNOWN" in result.stderr


def test_known_list_names_third_party_modules_only():
    ours = ("knowledge", "actions", "bot", "staff", "bench", "orientation", "tests")
    for category, module, message, why in KNOWN:
        assert issubclass(category, Warning) and message and why
        assert not module.startswith(ours) and module not in ("", ".*")


def test_environment_quiets_tensorflow_and_slows_tqdm_in_a_log_only():
    log: dict[str, str] = {}
    quiet_environment(log, Stream(tty=False))
    assert log == {"TF_CPP_MIN_LOG_LEVEL": "2", **TQDM_NOT_A_TERMINAL}
    terminal: dict[str, str] = {}
    quiet_environment(terminal, Stream(tty=True))
    assert terminal == {"TF_CPP_MIN_LOG_LEVEL": "2"}
    chosen = {"TF_CPP_MIN_LOG_LEVEL": "0", "TQDM_MININTERVAL": "1"}
    quiet_environment(chosen, Stream(tty=False))
    assert chosen["TF_CPP_MIN_LOG_LEVEL"] == "0" and chosen["TQDM_MININTERVAL"] == "1"


def test_tqdm_reads_the_variables_we_set():
    result = _python(f"""
        import os
        os.environ.update({TQDM_NOT_A_TERMINAL!r})
        from tqdm import tqdm
        import io
        bar = tqdm(file=io.StringIO())
        print(bar.mininterval, bar.maxinterval)
    """)
    assert result.stdout.split() == [str(float(v)) for v in TQDM_NOT_A_TERMINAL.values()]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_action_server_starts_without_deprecation_warnings(tmp_path):
    """A real entry point: before quiet(), sanic-cors' distutils warning opened its output."""
    log = tmp_path / "actions.log"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "bot.server.actions_server", "--port", str(_free_port())],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while "Serveur d'actions" not in log.read_text() and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    text = log.read_text()
    assert "Serveur d'actions" in text
    assert "Warning" not in text, text


POSTFIX_EVERY_STEP = """
    from tqdm import tqdm
    with tqdm(range(40), desc="Epochs") as bar:  # what Rasa's DIET training callback does
        for step in bar:
            bar.set_postfix({"t_loss": 1.0 / (step + 1)})
"""


def test_in_a_log_postfix_updates_no_longer_redraw_the_bar():
    before = _python(POSTFIX_EVERY_STEP).stderr
    assert before.count("Epochs:") > 40
    after = _python("from bot.server.quiet import quiet\nquiet()", POSTFIX_EVERY_STEP).stderr
    assert after.count("Epochs:") <= 3 and "40/40" in after and "t_loss=0.025" in after
