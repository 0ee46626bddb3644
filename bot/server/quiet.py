"""Quiet, useful output: the known warnings of our pinned libraries are silenced where they are raised.

`quiet()` is the first call of each of our entry points (the launcher, `bot.server.rasa_server`, the action
server, the Telegram bot, the `orientation` command). It

- ignores the warnings listed in KNOWN, each by category, the module that raises it (a third-party one: the
  caller of the deprecated API) and its message; any other warning, ours included, is shown as before;
- keeps these ignores first in the filter list: sanic (`sanic.app`, at import) and Rasa (at start-up) put
  their own « once » filters for every DeprecationWarning / UserWarning in front, which would show them again;
- sets TF_CPP_MIN_LOG_LEVEL=2 (as the Makefile does) unless already set: TensorFlow's C++ INFO and WARNING
  lines (oneDNN, CUDA drivers, CPU instructions, TensorRT) go, its errors stay;
- when stderr is not a terminal (a log, a pipe, CI), sets TQDM_MININTERVAL / TQDM_MAXINTERVAL unless already
  set, so that tqdm's bars (Rasa's included, in this process and its children) refresh at most every 30 s
  instead of ten times a second, and set_postfix() no longer forces a redraw (postfix_waits_for_refresh).
  On a terminal they animate as usual.

Environment variables are inherited by the processes the launcher starts; the warning filters are not, hence
the call in each entry point. This module imports nothing heavy.
"""

from __future__ import annotations

import functools
import os
import sys
import warnings

# (category, module that raises it — a regex matched from the start of the module name —, message regex, why).
KNOWN: tuple[tuple[type[Warning], str, str, str], ...] = (
    (DeprecationWarning, r"rasa\.core\.tracker_store\Z", r"Deprecated API features detected",
     "SQLAlchemy 1.4's « uber » MovedIn20Warning: Rasa 3.6 pins SQLAlchemy < 2"),
    (DeprecationWarning, r"rasa\.core\.tracker_store\Z", r"Calling URL\(\) directly is deprecated",
     "SQLAlchemy 1.4's SADeprecationWarning for Rasa's SQL tracker store"),
    (DeprecationWarning, r"rasa\.", r"pkg_resources is deprecated as an API",
     "Rasa imports setuptools' pkg_resources"),
    (DeprecationWarning, r"pkg_resources\Z", r"Deprecated call to `pkg_resources\.declare_namespace\(",
     "old namespace packages (mpl_toolkits, ruamel) declared through pkg_resources"),
    (DeprecationWarning, r"(matplotlib|packaging)\.", r"'\w+' deprecated - use '\w+'",
     "pyparsing 3's PyparsingDeprecationWarning for the camelCase names the pinned matplotlib and packaging use"),
    (DeprecationWarning, r"sanic_cors\.", r"distutils Version classes are deprecated",
     "sanic-cors compares versions with distutils' LooseVersion"),
    (DeprecationWarning, r"tensorflow\.", r"jax\.xla_computation is deprecated",
     "TensorFlow Lite imports jax's old API when jax is installed"),
    (UserWarning, r"rasa\.", r"You have defined training data consisting of entity examples, but your NLU "
     r"configuration does not include an entity extractor trained",
     "Rasa knows only its own trainable extractors; ours finds names in the knowledge base (bot/components)"),
    (DeprecationWarning, r"importlib\._bootstrap\Z", r"the load_module\(\) method is deprecated",
     "pykwalify loads Rasa's YAML schema extensions with load_module() (Rasa ignores it too, once started)"),
)

TQDM_NOT_A_TERMINAL = {"TQDM_MININTERVAL": "30", "TQDM_MAXINTERVAL": "60"}

_FILTERS: list[tuple] = []  # our entries of warnings.filters, as the warnings module stores them
_PATCHED = "_orientation_keeps_known_first"


def _to_front() -> None:
    """Move our ignores back to the head of warnings.filters (first match wins)."""
    filters = warnings.filters
    rest = [f for f in filters if f not in _FILTERS]
    if filters[:len(_FILTERS)] != _FILTERS:
        filters[:] = _FILTERS + rest
        warnings._filters_mutated()  # type: ignore[attr-defined]  # the C part caches the list's version


def _keeping_ours_first(add):
    @functools.wraps(add)
    def wrapper(*args, **kwargs):
        result = add(*args, **kwargs)
        _to_front()
        return result

    setattr(wrapper, _PATCHED, True)
    return wrapper


def filter_known_warnings() -> None:
    """Ignore the KNOWN warnings, now and after any library adds its own filters in front (idempotent)."""
    if not _FILTERS:
        for category, module, message, _why in KNOWN:
            warnings.filterwarnings("ignore", message=message, category=category, module=module)
            _FILTERS.insert(0, warnings.filters[0])
    # `from warnings import filterwarnings` (sanic) made after this call gets the wrapper too.
    for name in ("filterwarnings", "simplefilter"):
        if not getattr(getattr(warnings, name), _PATCHED, False):
            setattr(warnings, name, _keeping_ours_first(getattr(warnings, name)))
    _to_front()


def quiet_environment(environ: dict[str, str] | os._Environ = os.environ, stderr=None) -> None:
    """TensorFlow's C++ INFO/WARNING lines off; tqdm's refresh slowed down when stderr is not a terminal."""
    environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    stream = sys.stderr if stderr is None else stderr
    isatty = getattr(stream, "isatty", None)
    if not (isatty and isatty()):
        for name, value in TQDM_NOT_A_TERMINAL.items():
            environ.setdefault(name, value)


def postfix_waits_for_refresh() -> None:
    """tqdm's set_postfix() redraws the bar at once, whatever TQDM_MININTERVAL says: Rasa calls it after every
    DIET epoch and every story or tracker processed, hundreds of updates in a log. Here the new postfix is shown
    by the next regular refresh instead (or when the bar closes)."""
    from tqdm import std

    if getattr(std.tqdm.set_postfix, _PATCHED, False):
        return
    original = std.tqdm.set_postfix

    @functools.wraps(original)
    def set_postfix(self, ordered_dict=None, refresh=False, **kwargs):
        return original(self, ordered_dict, refresh=refresh, **kwargs)

    setattr(set_postfix, _PATCHED, True)
    std.tqdm.set_postfix = set_postfix


def quiet() -> None:
    """Call first in an entry point: known third-party warnings off, TF and tqdm told to be brief."""
    quiet_environment()
    filter_known_warnings()
    if not sys.stderr.isatty():
        postfix_waits_for_refresh()  # after quiet_environment(): tqdm reads TQDM_* when imported
