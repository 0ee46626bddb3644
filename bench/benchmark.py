"""`orientation bench stack`: the whole assistant measured against a bare Rasa bot, in one run (not a test).

One command, about 15 minutes on a quiet 2-core machine (`make bench` adds the linker and catalogue benches):

1. full training, timed: our project (`rasa train --force`, empty cache, as `make model` runs it: through
   bot.server.rasa_server, spaCy loaded once, TensorFlow kept out) into build/bench/models/, and the
   baseline: a bare Rasa bot generated into build/bench/baseline/ from our domain's intents (plus any intent
   of nlu/ the domain lacks), the reference NLU pipeline (REFERENCE_PIPELINE: Rasa's DIET for entities, as the
   assistant had before issue 17) and the SAME nlu/ data, one response
   `utter_template` (a fixed French sentence) and one rule per intent → utter_template; default endpoints
   (in-memory tracker store, no action server), REST channel only. The cost Rasa itself imposes;
2. each bot started on free ports (ours: the launcher, i.e. action server + Rasa, with the fresh model and a
   conversation store in a temporary folder), then: cold start (process start → first good answer), a
   warm-up pass, 1, 10 and 50 simultaneous conversations for N seconds each (knowledge-base questions with
   follow-ups, from faq/exemple.csv; the baseline receives the same messages): p50/p95 latency and answers
   per second per level, then the RSS of every process of the bot (children included);
3. the cost of the national data (issue 15, part 7): our stack, with the SAME model, also runs on a store of
   the five source documents alone (build/bench/knowledge-documents.sqlite, built from the manifest's
   documents without its `import:` entries; rebuilt only when they changed). Both stacks go through the
   same steps: cold start and RSS, a warm-up pass over every FAQ conversation with each answer judged
   against its row's `attendu`/`interdit` as `orientation faq check` does, 1 conversation, RSS. The
   documents-only stack starts first and stays up, idle, while the national one (the run of step 2)
   starts and warms up; then the 1-conversation pass plays both in turn, 2 × N seconds: each conversation
   on one stack then on the other (who goes first alternates), one message at a time, so each stack
   answers exactly as at 1 conversation, both get the same messages and the load of a shared machine falls
   on both alike. Fairness: most national questions cannot be answered on the documents alone (a « Je ne
   connais pas » costs less than an answer), so this pass plays only the questions the documents-only base
   answers as the FAQ expects (FAQ conversations with follow-ups kept whole when all their turns pass,
   other passing questions grouped 4 at a time; how many the national base answers as expected is
   reported too). The documents-only stack then stops and the national one goes on with the levels of
   step 2 on all the conversations;
4. a profile of our stack, one message at a time: NLU alone (`/model/parse`), the action server alone (the
   request Rasa sends it, replayed), the rest (policies, tracker store, channel) by difference; and what
   the cold start is made of (imports, model unpacking, spaCy, the knowledge base's names, first inference);
5. a table on stdout and build/bench.json: all figures, the machine (CPU count, load average), and
   `targets` [{name, value, target, met}] with the ratios to the same run's baseline, and the national base
   against the documents alone: p50 ratio ≤ 1.10, total RSS + ≤ 150 MB, cold start + ≤ 5 s.

Everything runs on loopback; models, logs, stores and conversation stores stay under build/bench/.
models/orientation.tar.gz is neither read nor written.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import datetime as dt
import json
import os
import platform
import re
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Sequence

import yaml

from bench.exploration import MAX_EXPLORATION_P50_RATIO, exploration_scripts, paired_turns
from bench.loadtest import SCRIPTS as LOAD_SCRIPTS
from bench.loadtest import check_loopback, percentile
from bench.procfs import cmdline, cpu_seconds, descendants, memory_kb, process_role
from bot.server.stack import free_port
from knowledge.kb import KnowledgeBase

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DEFAULT_FOLDER = ROOT / "build" / "bench"
DEFAULT_JSON = ROOT / "build" / "bench.json"
FAQ_CSV = ROOT / "faq" / "exemple.csv"
LEVELS = (1, 10, 50)
SECONDS_PER_LEVEL = 40.0
REQUEST_TIMEOUT = 90.0
TEMPLATE = "Merci pour ta question ! Ceci est la réponse fixe du robot de référence."
# Same text as bot.channels.guard.TECHNICAL_HICCUP (not imported: bot.channels.guard pulls in Rasa): the REST channel's
# answer to a turn without any bot message, i.e. the action server was not reachable. Not a good answer.
TECHNICAL_HICCUP = "Je rencontre un petit souci technique, réessaie dans un instant."
# Rows of the FAQ that are small talk, not knowledge-base questions (left out of the conversations).
SMALL_TALK = re.compile(r"\b(bonjour|merci|robot|conseill[eè]re?|temps fera|au revoir)\b", re.IGNORECASE)
# Targets on a 2-core machine (issue 17): ratios to the baseline of the same run, or absolute limits.
MAX_P50_RATIO = 1.0
MIN_THROUGHPUT_RATIO = 1.0
MAX_TOTAL_RSS_MB = 700.0
MAX_COLD_START_S = 12.0
MAX_TRAINING_S = 60.0
# The reference's NLU: the pipeline the assistant had before its entities came from the knowledge base (issue 17):
# Rasa's usual entity extractor, DIET, on spaCy vectors and sparse features, beside our intent classifier. The
# reference stays the same bare Rasa bot from run to run, whatever our config.yml becomes.
REFERENCE_PIPELINE: list[dict[str, Any]] = [
    {"name": "SpacyNLP", "model": "fr_core_news_md", "case_sensitive": False},
    {"name": "SpacyTokenizer"},
    {"name": "SpacyFeaturizer", "pooling": "mean"},
    {"name": "LexicalSyntacticFeaturizer"},
    {"name": "CountVectorsFeaturizer"},
    {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 2, "max_ngram": 4},
    {"name": "DIETClassifier", "intent_classification": False, "epochs": 40, "number_of_transformer_layers": 1,
     "transformer_size": 128, "constrain_similarities": True, "random_seed": 42},
    {"name": "bot.components.intent_classifier.LinearIntentClassifier"},
    {"name": "FallbackClassifier", "threshold": 0.45, "ambiguity_threshold": 0.05},
]
# The national base against the source documents alone (issue 15, part 7), same run, same model.
MAX_NATIONAL_P50_RATIO = 1.10
MAX_NATIONAL_EXTRA_RSS_MB = 150.0
MAX_NATIONAL_EXTRA_COLD_START_S = 5.0
GROUP_SIZE = 4  # FAQ questions without follow-ups, played this many to a conversation


# -- the conversations ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Turn:
    """One question of the FAQ, with what its answer must (`expected`) and must not (`forbidden`) contain."""

    question: str
    expected: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()


@dataclass(frozen=True)
class Script:
    """One conversation of the bench: a FAQ conversation (`follow_ups`: its turns make sense only together,
    in order) or a group of independent questions."""

    turns: tuple[Turn, ...]
    follow_ups: bool = False

    @property
    def questions(self) -> tuple[str, ...]:
        return tuple(turn.question for turn in self.turns)


def _items(cell: Optional[str]) -> tuple[str, ...]:
    return tuple(item.strip() for item in (cell or "").split("|") if item.strip())


def _grouped(turns: Sequence[Turn], size: int) -> list[Script]:
    return [Script(tuple(turns[i:i + size])) for i in range(0, len(turns), size)]


def faq_scripts(path: Path = FAQ_CSV, size: int = GROUP_SIZE) -> list[Script]:
    """Conversations of knowledge-base questions from the staff FAQ (question;attendu;interdit;conversation).

    Rows sharing a `conversation` id are one conversation with its follow-ups, in file order; the other
    questions, small talk left out, are grouped `size` at a time. The load test's scripts (no expectations)
    if the file is missing or holds no question."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter=";"))
    except OSError:
        rows = []
    grouped: dict[str, list[Turn]] = {}
    single: list[Turn] = []
    for row in rows:
        question = (row.get("question") or "").strip()
        if not question:
            continue
        turn = Turn(question, _items(row.get("attendu")), _items(row.get("interdit")))
        conversation = (row.get("conversation") or "").strip()
        if conversation:
            grouped.setdefault(conversation, []).append(turn)
        elif not SMALL_TALK.search(question):
            single.append(turn)
    scripts = [Script(tuple(turns), follow_ups=True) for turns in grouped.values()] + _grouped(single, size)
    return scripts or [Script(tuple(Turn(text) for text in s), follow_ups=True) for s in LOAD_SCRIPTS]


def conversation_scripts(path: Path = FAQ_CSV, size: int = GROUP_SIZE) -> list[tuple[str, ...]]:
    """The questions of `faq_scripts`, conversation by conversation."""
    return [script.questions for script in faq_scripts(path, size)]


def reply_text(replies: Any) -> str:
    """The texts and button titles of a REST answer, one per line (what `orientation faq check` judges)."""
    lines: list[str] = []
    for reply in replies if isinstance(replies, list) else []:
        if isinstance(reply, dict):
            lines += [reply["text"]] if isinstance(reply.get("text"), str) else []
            lines += [b["title"] for b in reply.get("buttons") or [] if isinstance(b, dict) and b.get("title")]
    return "\n".join(lines)


def answered_as_expected(turn: Turn, replies: Any) -> bool:
    """A good answer holding every expected item and no forbidden one, compared as `orientation faq check`
    does (case, accents and spaces ignored). A question without expectations needs a good answer only."""
    from staff.faq import squash  # stdlib only

    if not good_answer(replies):
        return False
    flat = squash(reply_text(replies))
    return (all(squash(item) in flat for item in turn.expected)
            and not any(squash(item) in flat for item in turn.forbidden))


def judge_scripts(scripts: Sequence[Script], replies: Sequence[Sequence[Any]]) -> list[list[bool]]:
    """For each script, whether each of its turns was answered as expected (`replies`: the warm-up's)."""
    return [[answered_as_expected(turn, reply) for turn, reply in zip(script.turns, answers)]
            for script, answers in zip(scripts, replies)]


def comparison_scripts(scripts: Sequence[Script], verdicts: Sequence[Sequence[bool]],
                       size: int = GROUP_SIZE) -> list[Script]:
    """The conversations answerable on a base, from its verdicts: conversations with follow-ups kept whole when
    every turn passed, the other passing questions grouped `size` at a time."""
    kept = [s for s, v in zip(scripts, verdicts) if s.follow_ups and v and len(v) == len(s.turns) and all(v)]
    single = [turn for s, v in zip(scripts, verdicts) if not s.follow_ups for turn, ok in zip(s.turns, v) if ok]
    return kept + _grouped(single, size)


def messages_of(scripts: Sequence[Sequence[str]]) -> int:
    return sum(len(s) for s in scripts)


# -- the baseline project -------------------------------------------------------------------------------

def nlu_intents(nlu_dir: Path) -> list[str]:
    """Intents with examples in the NLU files of `nlu_dir` (YAML, `nlu: - intent: …`), in file order."""
    found: list[str] = []
    for path in sorted(nlu_dir.glob("*.yml")) + sorted(nlu_dir.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in data.get("nlu") or []:
            if isinstance(item, dict) and isinstance(item.get("intent"), str) and item["intent"] not in found:
                found.append(item["intent"])
    return found


def _names(items: Iterable[Any]) -> list[str]:
    """Domain list entries as names (`- greet` or `- greet: {use_entities: …}`)."""
    out = []
    for item in items or []:
        name = next(iter(item)) if isinstance(item, dict) else item
        if isinstance(name, str) and name not in out:
            out.append(name)
    return out


def baseline_files(domain: dict, config: dict, intents_in_nlu: Sequence[str] = ()) -> dict[str, str]:
    """The baseline project's files (name → text): our intents and entities, the reference's NLU pipeline
    (REFERENCE_PIPELINE), one fixed answer. The policies are ours, but the core fallback is the template too (no
    custom action here)."""
    intents = _names(domain.get("intents"))
    intents += [i for i in intents_in_nlu if i not in intents]
    entities = _names(domain.get("entities"))
    bot_config = {key: value for key, value in config.items() if key != "policies"}
    bot_config["pipeline"] = REFERENCE_PIPELINE
    bot_config["assistant_id"] = "baseline"
    policies = []
    for policy in config.get("policies") or []:
        policy = dict(policy)
        if policy.get("name") == "RulePolicy" and "core_fallback_action_name" in policy:
            policy["core_fallback_action_name"] = "utter_template"
        policies.append(policy)
    bot_config["policies"] = policies
    bot_domain: dict[str, Any] = {
        "version": "3.1",
        "intents": intents,
        "entities": entities,
        "responses": {"utter_template": [{"text": TEMPLATE}]},
    }
    if domain.get("session_config"):
        bot_domain["session_config"] = domain["session_config"]
    rules = [{"rule": f"{intent} → utter_template", "steps": [{"intent": intent}, {"action": "utter_template"}]}
             for intent in [*intents, "nlu_fallback"]]

    def dump(data: dict) -> str:
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)

    header = "# Generated by `orientation bench stack` (bench/benchmark.py): do not edit.\n"
    return {
        "config.yml": header + dump(bot_config),
        "domain.yml": header + dump(bot_domain),
        "data/rules.yml": header + dump({"version": "3.1", "rules": rules}),
        "credentials.yml": header + "rest:\n",
        # No tracker_store, no action_endpoint: Rasa's defaults (in-memory tracker store, no action server).
        "endpoints.yml": header + "# Rasa's defaults: in-memory tracker store, no action server.\n",
    }


# How `make model` trains ours: Rasa's CLI through bot.server.rasa_server, spaCy loaded once (its patch), TensorFlow
# kept out when the config has no TensorFlow component.
OUR_TRAINING = (sys.executable, "-m", "bot.server.rasa_server")
OUR_TRAINING_ENV = (("ORIENTATION_RASA_PATCHES", "spacy"),)


@dataclass(frozen=True)
class Project:
    """What `rasa train` needs for one bot, and how it is run (Rasa's own executable by default)."""

    name: str
    cwd: Path
    data: tuple[Path, ...]
    config: Path
    domain: Path
    rasa: tuple[str, ...] = (str(BIN / "rasa"),)
    env: tuple[tuple[str, str], ...] = ()

    def train_command(self, out: Path, model_name: str) -> list[str]:
        return [*self.rasa, "train", "--data", *map(str, self.data), "--config", str(self.config),
                "--domain", str(self.domain), "--out", str(out), "--fixed-model-name", model_name, "--force"]


def our_project(root: Path = ROOT) -> Project:
    return Project("assistant", root, (root / "nlu", root / "stories"), root / "config.yml", root / "domain.yml",
                   OUR_TRAINING, OUR_TRAINING_ENV)


def write_baseline(folder: Path, root: Path = ROOT) -> Project:
    """Generate the baseline project into `folder` (replaced) from the project at `root`."""
    domain = yaml.safe_load((root / "domain.yml").read_text(encoding="utf-8")) or {}
    config = yaml.safe_load((root / "config.yml").read_text(encoding="utf-8")) or {}
    if folder.exists():
        shutil.rmtree(folder)
    for name, text in baseline_files(domain, config, nlu_intents(root / "nlu")).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return Project("baseline", folder, (root / "nlu", folder / "data"), folder / "config.yml", folder / "domain.yml")


# -- training -------------------------------------------------------------------------------------------

def base_env(extra: Optional[dict[str, str]] = None) -> dict[str, str]:
    """The environment of a bot under test: ours, minus Telegram and the API token, plus `extra`."""
    env = {key: value for key, value in os.environ.items() if key not in ("TELEGRAM_BOT_TOKEN", "RASA_API_TOKEN")}
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return {**env, "RASA_TELEMETRY_ENABLED": "false", **(extra or {})}


def train(project: Project, out: Path, model_name: str, log: Path) -> tuple[float, float, Path]:
    """Full training (--force, empty cache) into `out`: (wall seconds, CPU seconds, model path). The CPU time
    (user + system, all threads) is steadier than the wall time on a machine shared with others."""
    out.mkdir(parents=True, exist_ok=True)
    model = out / f"{model_name}.tar.gz"
    model.unlink(missing_ok=True)
    cache = out / f"cache-{model_name}"
    shutil.rmtree(cache, ignore_errors=True)
    env = base_env({"RASA_CACHE_DIRECTORY": str(cache), **dict(project.env)})  # never the project's .rasa/cache
    command = project.train_command(out, model_name)
    with open(log, "w", encoding="utf-8") as handle:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(command, cwd=project.cwd, env=env, stdout=handle, stderr=subprocess.STDOUT)
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    shutil.rmtree(cache, ignore_errors=True)
    if done.returncode != 0 or not model.exists():
        raise RuntimeError(f"échec de l'entraînement de {project.name} (code {done.returncode}), voir {log}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu, model


# -- processes and memory ---------------------------------------------------------------------------------

def memory_tree(pid: int) -> dict[str, Any]:
    """RSS (and peak RSS) of `pid` and its descendants, in MB, with their total."""
    processes = []
    for child in descendants(pid):
        kb = memory_kb(child)
        if not kb:
            continue
        processes.append({"role": process_role(cmdline(child)), "pid": child, "rss_mb": round(kb.get("VmRSS", 0) / 1024, 1),
                          "peak_mb": round(kb.get("VmHWM", 0) / 1024, 1)})
    return {"processes": processes, "total_rss_mb": round(sum(p["rss_mb"] for p in processes), 1)}


def post_json(url: str, body: Any, timeout: float = REQUEST_TIMEOUT, token: Optional[str] = None) -> Any:
    if token:
        url += ("&" if "?" in url else "?") + f"token={token}"
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def get_json(url: str, timeout: float = 10, token: Optional[str] = None) -> Any:
    if token:
        url += ("&" if "?" in url else "?") + f"token={token}"
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def _up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def good_answer(replies: Any) -> bool:
    """A turn answered with at least one text, and not the channel's « technical hiccup » stand-in."""
    if not isinstance(replies, list) or not replies:
        return False
    texts = [r.get("text") for r in replies if isinstance(r, dict)]
    return any(texts) and TECHNICAL_HICCUP not in texts


class Bot:
    """A bot under test: started on free ports, its cold start measured, then stopped."""

    name = "?"

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.proc: Optional[subprocess.Popen] = None
        self.log = workdir / f"{self.name}.log"
        self.rasa_port = free_port()
        self.cold_start: dict[str, Optional[float]] = {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/webhook"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def command(self) -> tuple[list[str], Path, dict[str, str]]:
        raise NotImplementedError

    def side_checks(self) -> dict[str, str]:
        """Other URLs whose first answer is timed during the cold start (name → URL)."""
        return {"rasa_http_s": f"{self.base}/"}

    def start(self, probe: str, timeout: float = 600) -> dict[str, Optional[float]]:
        """Start the bot; seconds from process start to each side URL's first answer and to the first good
        answer to `probe` through the REST channel (polled every 0.2 s, a new conversation each time), and
        the CPU time its processes had used by then (steadier than the wall time on a shared machine)."""
        command, cwd, env = self.command()
        handle = open(self.log, "w", encoding="utf-8")
        start = time.perf_counter()
        self.proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=handle, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        handle.close()
        pending = dict(self.side_checks())
        figures: dict[str, Optional[float]] = {name: None for name in pending}
        attempt = 0
        while time.perf_counter() - start < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} s'est arrêté au démarrage (code {self.proc.returncode}), "
                                   f"voir {self.log}")
            for name, url in list(pending.items()):
                if _up(url):
                    figures[name] = round(time.perf_counter() - start, 2)
                    del pending[name]
            attempt += 1
            try:
                if good_answer(post_json(self.url, {"sender": f"banc-froid-{attempt}", "message": probe},
                                         timeout=60)):
                    figures["first_answer_s"] = round(time.perf_counter() - start, 2)
                    figures["cpu_s_to_first_answer"] = round(cpu_seconds(self.proc.pid), 1)
                    for name in pending:  # up by now
                        figures[name] = figures["first_answer_s"]
                    self.cold_start = figures
                    return figures
            except (OSError, ValueError):
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{self.name} n'a pas répondu en {timeout:.0f} s, voir {self.log}")

    def memory(self) -> dict[str, Any]:
        return memory_tree(self.proc.pid) if self.proc else {"processes": [], "total_rss_mb": 0.0}

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        for sig, wait in ((signal.SIGINT, 60), (signal.SIGKILL, 10)):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.proc.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue


class Baseline(Bot):
    """The bare Rasa bot: `rasa run` with its model, REST channel only, default endpoints (no patches of
    bot.server.rasa_server: the cost of Rasa itself)."""

    name = "reference"

    def __init__(self, workdir: Path, project: Project, model: Path, env: Optional[dict[str, str]] = None):
        super().__init__(workdir)
        self.project, self.model, self.extra_env = project, model, env or {}

    def command(self) -> tuple[list[str], Path, dict[str, str]]:
        folder = self.project.cwd
        return ([str(BIN / "rasa"), "run", "--model", str(self.model), "--port", str(self.rasa_port),
                 "--interface", "127.0.0.1", "--credentials", str(folder / "credentials.yml"),
                 "--endpoints", str(folder / "endpoints.yml")], folder, base_env(self.extra_env))


class Assistant(Bot):
    """Our stack as `make run` starts it (bot.server.launcher: action server + Rasa through bot.server.rasa_server, patches
    per ORIENTATION_RASA_PATCHES), with the given model, its own ports and a conversation store in `workdir`.
    The Rasa HTTP API is on (random token) for the profile."""

    name = "assistant"

    def __init__(self, workdir: Path, model: Path, env: Optional[dict[str, str]] = None, sqlite: bool = True):
        super().__init__(workdir)
        self.model, self.extra_env = model, env or {}
        self.actions_port = free_port()
        self.token = secrets.token_hex(16)  # hex: safe in the URL's query string too
        endpoints = workdir / "endpoints.yml"
        store = (f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{workdir / "conversations.db"}"\n'
                 if sqlite else "")
        endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{self.actions_port}/webhook"\n{store}',
                             encoding="utf-8")
        self.endpoints = endpoints

    def command(self) -> tuple[list[str], Path, dict[str, str]]:
        env = base_env({"RASA_PORT": str(self.rasa_port), "ACTIONS_PORT": str(self.actions_port),
                        "ORIENTATION_MODEL": str(self.model), "ORIENTATION_ENDPOINTS": str(self.endpoints),
                        "RASA_API_TOKEN": self.token, **self.extra_env})
        return [sys.executable, "-m", "bot.server.launcher"], ROOT, env

    def side_checks(self) -> dict[str, str]:
        return {**super().side_checks(), "actions_http_s": f"http://127.0.0.1:{self.actions_port}/health"}


# -- the load -------------------------------------------------------------------------------------------

def level_figures(conversations: int, latencies_ms: Sequence[float], errors: dict[str, int],
                  elapsed_s: float, cpu_s: Optional[float] = None) -> dict[str, Any]:
    """Figures of one concurrency level: answers, errors, p50/p95/max/mean latency, answers per second, and
    the CPU time the bot's processes used for it (per answer: steadier than latency on a shared machine)."""
    timings = sorted(latencies_ms)
    return {
        "cpu_s": round(cpu_s, 2) if cpu_s is not None else None,
        "cpu_ms_per_answer": round(cpu_s * 1000 / len(timings), 1) if cpu_s is not None and timings else None,
        "conversations": conversations,
        "seconds": round(elapsed_s, 2),
        "answers": len(timings),
        "errors": dict(errors),
        "error_count": sum(errors.values()),
        "p50_ms": round(percentile(timings, 50), 1),
        "p95_ms": round(percentile(timings, 95), 1),
        "max_ms": round(timings[-1], 1) if timings else 0.0,
        "mean_ms": round(sum(timings) / len(timings), 1) if timings else 0.0,
        "answers_per_s": round(len(timings) / elapsed_s, 2) if elapsed_s > 0 else 0.0,
    }


async def _ask(session: Any, url: str, sender: str, text: str, timings: list[float], errors: Counter) -> float:
    """One message: its latency (ms) into `timings` when well answered, else the error counted. Returns the
    seconds it took."""
    import aiohttp

    start = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": text}) as response:
            body = await response.read()
            status = response.status
        elapsed = (time.perf_counter() - start) * 1000
        if status != 200:
            errors[f"HTTP {status}"] += 1
        elif not good_answer(json.loads(body)):
            errors["réponse vide ou incident technique"] += 1
        else:
            timings.append(elapsed)
    except asyncio.TimeoutError:
        errors["délai dépassé"] += 1
    except aiohttp.ClientError as error:
        errors[type(error).__name__] += 1
    except ValueError:
        errors["JSON invalide"] += 1
    return time.perf_counter() - start


async def _play(url: str, scripts: Sequence[Sequence[str]], conversations: int, seconds: float, run: str,
                timings: list[float], errors: Counter) -> None:
    import aiohttp

    deadline = time.monotonic() + seconds
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)

    async def worker(number: int) -> None:
        played = 0
        while time.monotonic() < deadline:
            script = scripts[(number + played) % len(scripts)]
            sender = f"banc-{run}-{number}-{played}"
            played += 1
            for text in script:
                if time.monotonic() >= deadline:
                    return
                await _ask(session, url, sender, text, timings, errors)

    async with aiohttp.ClientSession(timeout=timeout,
                                     connector=aiohttp.TCPConnector(limit=conversations)) as session:
        await asyncio.gather(*(worker(i) for i in range(conversations)))


def run_level(url: str, scripts: Sequence[Sequence[str]], conversations: int, seconds: float,
              pid: Optional[int] = None) -> dict[str, Any]:
    """`conversations` simultaneous conversations for `seconds` (each ends its current request); the CPU
    time of `pid` and its descendants is measured over the level."""
    check_loopback(url)
    timings: list[float] = []
    errors: Counter = Counter()
    cpu = cpu_seconds(pid) if pid else None
    start = time.monotonic()
    asyncio.run(_play(url, scripts, conversations, seconds, secrets.token_hex(3), timings, errors))
    elapsed = time.monotonic() - start
    cpu = cpu_seconds(pid) - cpu if pid and cpu is not None else None
    return level_figures(conversations, timings, errors, elapsed, cpu)


def paired_order(bots: int, round_number: int) -> list[int]:
    """Which bot plays first in a round of the paired pass: in turn."""
    order = list(range(bots))
    shift = round_number % bots
    return order[shift:] + order[:shift]


async def _play_paired(urls: Sequence[str], scripts: Sequence[Sequence[str]], seconds: float, run: str,
                       timings: list[list[float]], errors: list[Counter], busy: list[float]) -> None:
    import aiohttp

    deadline = time.monotonic() + seconds
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    sessions = [aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=1)) for _ in urls]
    try:
        played = 0
        while time.monotonic() < deadline:  # whole rounds: every bot gets the same messages
            script = scripts[played % len(scripts)]
            for index in paired_order(len(urls), played):
                sender = f"banc-{run}-{index}-{played}"
                for text in script:
                    busy[index] += await _ask(sessions[index], urls[index], sender, text, timings[index], errors[index])
            played += 1
    finally:
        for session in sessions:
            await session.close()


def run_paired_level(bots: Sequence[Bot], scripts: Sequence[Sequence[str]], seconds: float) -> list[dict[str, Any]]:
    """1 conversation at a time for `seconds` over several bots running side by side, in turn: each script is
    played on every bot (in a new conversation each), the first bot of each round in turn. Each bot answers
    one message at a time, as at 1 conversation, and the load of a shared machine falls on all alike. Each
    bot's figures (its `seconds`: the time spent waiting for its answers; its CPU time)."""
    for bot in bots:
        check_loopback(bot.url)
    timings: list[list[float]] = [[] for _ in bots]
    errors: list[Counter] = [Counter() for _ in bots]
    busy = [0.0 for _ in bots]
    pids = [bot.proc.pid if bot.proc else None for bot in bots]
    cpu = [cpu_seconds(pid) if pid else None for pid in pids]
    start = time.monotonic()
    asyncio.run(_play_paired([bot.url for bot in bots], scripts, seconds, secrets.token_hex(3), timings, errors, busy))
    elapsed = time.monotonic() - start
    out = []
    for index, pid in enumerate(pids):
        used = cpu_seconds(pid) - cpu[index] if pid and cpu[index] is not None else None
        figures = level_figures(1, timings[index], errors[index], busy[index], used)
        figures.update(paired=[bot.name for bot in bots], pass_seconds=round(elapsed, 2))
        out.append(figures)
    return out


def warm_up(url: str, scripts: Sequence[Sequence[str]]) -> list[list[Any]]:
    """Every script once, one message at a time, each script in its own conversation (not timed): the
    answers, script by script (None for a failed request)."""
    answers: list[list[Any]] = []
    for number, script in enumerate(scripts):
        replies: list[Any] = []
        for text in script:
            try:
                replies.append(post_json(url, {"sender": f"banc-chauffe-{number}", "message": text}))
            except (OSError, ValueError):
                replies.append(None)
        answers.append(replies)
    return answers


def start_and_warm_up(bot: Bot, scripts: Sequence[Sequence[str]],
                      say: Callable[[str], None] = print) -> tuple[dict[str, Any], list[list[Any]]]:
    """Cold start (probe: the first question), RSS once up, the warm-up pass: the figures so far and the
    warm-up's answers (the bot is left running)."""
    load_before = os.getloadavg()
    say(f"[{bot.name}] démarrage…")
    cold = bot.start(scripts[0][0])
    say(f"[{bot.name}] première réponse après {cold['first_answer_s']:.1f} s ; chauffe…")
    idle = bot.memory()
    answers = warm_up(bot.url, scripts)
    return {"load_average_before": [round(x, 2) for x in load_before], "cold_start": cold,
            "memory_idle": idle, "levels": {}}, answers


def run_levels(bot: Bot, scripts: Sequence[Sequence[str]], levels: Sequence[int], seconds: float,
               figures: dict[str, Any], say: Callable[[str], None] = print) -> dict[str, Any]:
    """Each level into figures["levels"], then the memory of the running bot into figures["memory"]."""
    figures.setdefault("levels", {})
    for level in levels:
        say(f"[{bot.name}] {level} conversation(s) simultanée(s) pendant {seconds:.0f} s…")
        figures["levels"][str(level)] = run_level(bot.url, scripts, level, seconds,
                                                  bot.proc.pid if bot.proc else None)
        time.sleep(1)
    figures["memory"] = bot.memory()
    return figures


def measure_bot(bot: Bot, scripts: Sequence[Sequence[str]], levels: Sequence[int], seconds: float,
                say: Callable[[str], None] = print) -> dict[str, Any]:
    """Cold start, warm-up, each level, then the memory of the running bot (the bot is left running)."""
    figures, _ = start_and_warm_up(bot, scripts, say)
    return run_levels(bot, scripts, levels, seconds, figures, say)


# -- the profile of our stack -------------------------------------------------------------------------------

def _timed(call: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = call()
    return (time.perf_counter() - start) * 1000, result


def _summary(values: Sequence[float]) -> dict[str, float]:
    values = sorted(values)
    return {"count": len(values), "p50_ms": round(percentile(values, 50), 1), "p95_ms": round(percentile(values, 95), 1),
            "mean_ms": round(sum(values) / len(values), 1) if values else 0.0}


def profile_turns(bot: Assistant, scripts: Sequence[Sequence[str]], rounds: int = 2) -> dict[str, Any]:
    """One message at a time on a warm stack: the full turn (REST), NLU alone (/model/parse), the action
    server alone (Rasa's request replayed: tracker and domain from the HTTP API), the tracker as stored."""
    turn, parse, action, tracker_get = [], [], [], []
    domain = get_json(f"{bot.base}/domain", token=bot.token)
    actions_url = f"http://127.0.0.1:{bot.actions_port}/webhook"
    for round_number in range(rounds):
        for number, script in enumerate(scripts):
            sender = f"banc-profil-{round_number}-{number}"
            for text in script:
                ms, _ = _timed(lambda: post_json(bot.url, {"sender": sender, "message": text}))
                turn.append(ms)
                ms, _ = _timed(lambda: post_json(f"{bot.base}/model/parse", {"text": text}, token=bot.token))
                parse.append(ms)
                ms, tracker = _timed(lambda: get_json(f"{bot.base}/conversations/{sender}/tracker", token=bot.token))
                tracker_get.append(ms)
                body = {"next_action": "action_answer", "sender_id": sender, "tracker": tracker, "domain": domain,
                        "version": "3.6.21"}
                ms, _ = _timed(lambda: post_json(actions_url, body))
                action.append(ms)
    figures = {"turn": _summary(turn), "nlu_parse": _summary(parse), "action_server": _summary(action),
               "tracker_get": _summary(tracker_get)}
    figures["rest_p50_ms"] = round(figures["turn"]["p50_ms"] - figures["nlu_parse"]["p50_ms"]
                                   - figures["action_server"]["p50_ms"], 1)
    return figures


# Run in a fresh interpreter: times each step of loading the model as our `rasa run` does (wall clock), with
# the patches of bot.server.rasa_server chosen by ORIENTATION_RASA_PATCHES.
COLD_START_SCRIPT = r'''
import asyncio, json, os, sys, time
T = {}
t0 = time.perf_counter()
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
def mark(name, since):
    T[name] = round(time.perf_counter() - since, 3)
    T["rss_mb_after_" + name[:-2]] = rss()
from bot.server.no_tensorflow import keep_tensorflow_out, model_needs_tensorflow
T["tensorflow_kept_out"] = not model_needs_tensorflow(sys.argv[1]) and keep_tensorflow_out()  # as `rasa run` does
t = time.perf_counter()
import rasa.__main__, rasa.core.run, rasa.core.agent, rasa.core.channels  # what `rasa run` imports
mark("import_rasa_s", t)
T["tensorflow_imported"] = "tensorflow" in sys.modules and not T["tensorflow_kept_out"]
t = time.perf_counter()
from bot.server.rasa_server import ENV, apply_patches, selected
T["rasa_patches"] = ",".join(apply_patches(selected(os.environ.get(ENV))))
mark("patches_s", t)
import spacy
from rasa.engine.storage.local_model_storage import LocalModelStorage
from bot.components.entity_extractor import KnowledgeEntityExtractor
def wrap(owner, name, label, kind=None):
    function = vars(owner)[name].__func__ if kind else getattr(owner, name)
    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            T[label] = round(T.get(label, 0) + time.perf_counter() - start, 3)
            T[label[:-2] + "_calls"] = T.get(label[:-2] + "_calls", 0) + 1
            T["rss_mb_after_" + label[:-2]] = rss()
    setattr(owner, name, kind(timed) if kind else timed)
wrap(spacy, "load", "spacy_load_s")
wrap(LocalModelStorage, "_extract_archive_to_directory", "model_unpack_s", staticmethod)
wrap(KnowledgeEntityExtractor, "load", "knowledge_names_load_s", classmethod)
t = time.perf_counter()
agent = rasa.core.agent.Agent.load(sys.argv[1])
mark("agent_load_s", t)
for name, text in (("first_parse_s", sys.argv[2]), ("second_parse_s", sys.argv[2] + " ?")):
    t = time.perf_counter()
    asyncio.run(agent.parse_message(text))
    mark(name, t)
T["total_s"] = round(time.perf_counter() - t0, 3)
print("BENCH-JSON " + json.dumps(T))
'''


def profile_cold_start(model: Path, probe: str, env: Optional[dict[str, str]] = None) -> dict[str, float]:
    """What loading the model costs, step by step, in a fresh interpreter (see COLD_START_SCRIPT)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", COLD_START_SCRIPT, str(model), probe], cwd=ROOT,
                          env=base_env(env), capture_output=True, text=True, timeout=900)
    wall = time.perf_counter() - start
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("BENCH-JSON ")), None)
    if line is None:
        raise RuntimeError(f"profil du démarrage en échec : {done.stderr[-2000:]}")
    figures = json.loads(line.split(" ", 1)[1])
    figures["python_start_and_wall_s"] = round(wall, 3)
    return figures


# -- targets, document and table --------------------------------------------------------------------------

def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _ratio(a: Optional[float], b: Optional[float]) -> Optional[float]:
    return round(a / b, 3) if a is not None and b else None


def _difference(a: Optional[float], b: Optional[float]) -> Optional[float]:
    return round(a - b, 2) if a is not None and b is not None else None


def _target(name: str, value: Optional[float], limit: Optional[float], at_most: bool, unit: str,
            detail: str) -> dict[str, Any]:
    met = value is not None and limit is not None and (value <= limit if at_most else value >= limit)
    return {"name": name, "value": value, "target": limit, "met": met, "unit": unit,
            "comparison": "<=" if at_most else ">=", "detail": detail}


def documents_targets(document: dict) -> list[dict[str, Any]]:
    """Issue 15, part 7: the national base against the documents alone, same run, same model, same questions
    (the national run's pass over the documents' questions, and its RSS right after it; its cold start)."""
    national = _get(document, "assistant", "documents_questions") or {}
    alone = document.get("documents") or {}
    p50_national, p50_alone = _get(national, "levels", "1", "p50_ms"), _get(alone, "levels", "1", "p50_ms")
    rss_national, rss_alone = _get(national, "memory", "total_rss_mb"), _get(alone, "memory", "total_rss_mb")
    cold_national = _get(document, "assistant", "cold_start", "first_answer_s")
    cold_alone = _get(alone, "cold_start", "first_answer_s")
    questions = _get(document, "comparison", "messages")
    rss_extra = _difference(rss_national, rss_alone)
    return [
        _target("p50 réponse base nationale / documents seuls (mêmes questions, 1 conversation)",
                _ratio(p50_national, p50_alone), MAX_NATIONAL_P50_RATIO, True, "ratio",
                f"{p50_national} ms contre {p50_alone} ms, {questions} questions"),
        _target("RSS totale base nationale − documents seuls (Mo)",
                round(rss_extra, 1) if rss_extra is not None else None, MAX_NATIONAL_EXTRA_RSS_MB, True, "Mo",
                f"{rss_national} Mo contre {rss_alone} Mo, après les mêmes conversations"),
        _target("démarrage à froid base nationale − documents seuls (s)", _difference(cold_national, cold_alone),
                MAX_NATIONAL_EXTRA_COLD_START_S, True, "s", f"{cold_national} s contre {cold_alone} s"),
    ]


def compute_targets(document: dict) -> list[dict[str, Any]]:
    """The issue's targets, from the figures of one run (ratios to that run's baseline), and those of the
    national base against the documents alone when the run compared them."""
    ours, ref = document.get("assistant") or {}, document.get("baseline") or {}
    p50 = _ratio(_get(ours, "levels", "1", "p50_ms"), _get(ref, "levels", "1", "p50_ms"))
    rate = _ratio(_get(ours, "levels", "10", "answers_per_s"), _get(ref, "levels", "10", "answers_per_s"))
    rss, ref_rss = _get(ours, "memory", "total_rss_mb"), _get(ref, "memory", "total_rss_mb")
    cold = _get(ours, "cold_start", "first_answer_s")
    training = _get(document, "training", "assistant_s")
    targets = [
        _target("p50 réponse base de connaissances / p50 réponse fixe de la référence (1 conversation)", p50,
                MAX_P50_RATIO, True, "ratio",
                f"{_get(ours, 'levels', '1', 'p50_ms')} ms contre {_get(ref, 'levels', '1', 'p50_ms')} ms"),
        _target("réponses par seconde à 10 conversations / référence", rate, MIN_THROUGHPUT_RATIO, False, "ratio",
                f"{_get(ours, 'levels', '10', 'answers_per_s')}/s contre {_get(ref, 'levels', '10', 'answers_per_s')}/s"),
        _target("RSS totale (Mo), base nationale chargée", rss, MAX_TOTAL_RSS_MB, True, "Mo",
                f"{rss} Mo contre {ref_rss} Mo pour la référence"),
        _target("démarrage à froid jusqu'à la première réponse (s)", cold, MAX_COLD_START_S, True, "s",
                f"référence : {_get(ref, 'cold_start', 'first_answer_s')} s"),
        _target("entraînement complet (s)", training, MAX_TRAINING_S, True, "s",
                f"référence : {_get(document, 'training', 'baseline_s')} s"),
    ]
    exploration = _get(document, "profile", "exploration")
    if exploration:
        targets.append(_target(
            "p50 tour d'exploration / p50 question (même pile, en alternance, 1 conversation)",
            exploration.get("p50_ratio"), MAX_EXPLORATION_P50_RATIO, True, "ratio",
            f"{_get(exploration, 'exploration', 'p50_ms')} ms contre {_get(exploration, 'questions', 'p50_ms')} ms"))
    if _get(document, "settings", "documents_comparison"):
        targets += documents_targets(document)
    return targets


def machine_info() -> dict[str, Any]:
    return {"cpu_count": os.cpu_count(), "load_average_start": [round(x, 2) for x in os.getloadavg()],
            "platform": platform.platform(), "python": platform.python_version()}


def new_document(levels: Sequence[int], seconds: float, scripts: Sequence[Sequence[str]],
                 stack_env: Optional[dict[str, str]] = None, documents: bool = True) -> dict[str, Any]:
    """An empty run. `documents`: whether the run compares the national base with the documents alone."""
    return {
        "version": 1,
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine_info(),
        "settings": {"levels": list(levels), "seconds_per_level": seconds, "conversations_scripts": len(scripts),
                     "messages_per_pass": messages_of(scripts), "stack_env": dict(stack_env or {}),
                     "template": TEMPLATE, "documents_comparison": documents},
        "training": {"assistant_s": None, "assistant_cpu_s": None, "baseline_s": None, "baseline_cpu_s": None},
        "baseline": None,
        "assistant": None,
        "documents": None,
        "knowledge": None,
        "comparison": None,
        "profile": None,
        "targets": [],
        "all_met": False,
    }


def finish(document: dict) -> dict:
    document["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    document["targets"] = compute_targets(document)
    document["all_met"] = all(t["met"] for t in document["targets"])
    return document


def _fmt(value: Any, digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value:.{digits}f}" if isinstance(value, (int, float)) else str(value)


def _after_rasa(bot: dict) -> Optional[float]:
    """Seconds from Rasa's HTTP server answering to the first good answer: the part of the cold start that is
    the action server's (the store opened, its names loaded), the rest being Rasa loading the model."""
    return _difference(_get(bot, "cold_start", "first_answer_s"), _get(bot, "cold_start", "rasa_http_s"))


def documents_lines(document: dict) -> list[str]:
    """The national base against the documents alone, as table lines (none when the run did not compare)."""
    if not _get(document, "settings", "documents_comparison"):
        return []
    national, alone = document.get("assistant") or {}, document.get("documents") or {}
    on_questions = national.get("documents_questions") or {}
    comparison = document.get("comparison") or {}
    knowledge = document.get("knowledge") or {}
    lines = ["", "Base nationale contre documents seuls (même modèle, même exécution ; à 1 conversation, les deux "
             "piles en alternance, sur les questions de la FAQ",
             f"répondues comme attendu sur les documents seuls : {_fmt(comparison.get('answered_on_documents'))} "
             f"sur {_fmt(comparison.get('questions'))}, dont {_fmt(comparison.get('also_answered_on_national'))} "
             f"aussi sur la base nationale ({_fmt(comparison.get('scripts'))} conversations, "
             f"{_fmt(comparison.get('messages'))} messages)) :"]
    if _get(knowledge, "national", "current") is False:
        lines.append(f"  attention : {_get(knowledge, 'national', 'store')} n'est pas à jour (make kb)")
    if alone.get("error"):
        lines.append(f"  en échec : {alone['error'][:300]}")
    rows: list[tuple[str, Any, Any, int, bool]] = [  # label, national, documents alone, decimals, ratio shown
        ("Base : fiches", _get(knowledge, "national", "records"), _get(knowledge, "documents", "records"), 0, False),
        ("Base : taille (Mo)", _get(knowledge, "national", "size_mb"), _get(knowledge, "documents", "size_mb"), 1,
         False),
        ("FAQ répondue comme attendu (questions)", _get(national, "answered_as_expected", "passed"),
         _get(alone, "answered_as_expected", "passed"), 0, False),
        ("Démarrage à froid → 1re réponse (s)", _get(national, "cold_start", "first_answer_s"),
         _get(alone, "cold_start", "first_answer_s"), 1, True),
        ("Démarrage à froid, temps CPU (s)", _get(national, "cold_start", "cpu_s_to_first_answer"),
         _get(alone, "cold_start", "cpu_s_to_first_answer"), 1, True),
        ("  dont Rasa prêt → 1re réponse (s)", _after_rasa(national), _after_rasa(alone), 2, False),
        ("RSS totale au démarrage (Mo)", _get(national, "memory_idle", "total_rss_mb"),
         _get(alone, "memory_idle", "total_rss_mb"), 0, True),
    ]
    for label, name, digits, ratio in (("latence p50 (ms)", "p50_ms", 0, True), ("latence p95 (ms)", "p95_ms", 0, True),
                                       ("réponses/s", "answers_per_s", 1, True),
                                       ("CPU par réponse (ms)", "cpu_ms_per_answer", 0, True),
                                       ("erreurs", "error_count", 0, False)):
        rows.append((f"1 conv. : {label}", _get(on_questions, "levels", "1", name), _get(alone, "levels", "1", name),
                     digits, ratio))
    rows.append(("RSS totale après ces conversations (Mo)", _get(on_questions, "memory", "total_rss_mb"),
                 _get(alone, "memory", "total_rss_mb"), 0, True))
    lines.append(f"{'':44}{'nationale':>12}{'documents':>12}{'rapport':>10}")
    lines += _row_lines(rows)
    return lines


def _row_lines(rows: Sequence[tuple[str, Any, Any, int, bool]]) -> list[str]:
    """(label, left, right, decimals, ratio shown) rows as aligned lines, with right/left ratios."""
    lines = []
    for label, a, b, digits, show_ratio in rows:
        ratio = _fmt(_ratio(a, b), 2) if show_ratio and a is not None and b else ""
        lines.append(f"{label:44}{_fmt(a, digits):>12}{_fmt(b, digits):>12}{ratio:>10}")
    return lines


def render_table(document: dict) -> str:
    """The figures and the targets as a French table."""
    ours, ref = document.get("assistant") or {}, document.get("baseline") or {}
    machine = document.get("machine", {})
    rows: list[tuple[str, Any, Any, int, bool]] = [  # label, assistant, baseline, decimals, ratio shown
        ("Entraînement complet (s)", _get(document, "training", "assistant_s"),
         _get(document, "training", "baseline_s"), 1, True),
        ("Entraînement complet, temps CPU (s)", _get(document, "training", "assistant_cpu_s"),
         _get(document, "training", "baseline_cpu_s"), 0, True),
        ("Démarrage à froid → 1re réponse (s)", _get(ours, "cold_start", "first_answer_s"),
         _get(ref, "cold_start", "first_answer_s"), 1, True),
        ("Démarrage à froid, temps CPU (s)", _get(ours, "cold_start", "cpu_s_to_first_answer"),
         _get(ref, "cold_start", "cpu_s_to_first_answer"), 1, True),
    ]
    for level in document.get("settings", {}).get("levels", []):
        key = str(level)
        for label, name, digits, ratio in (("latence p50 (ms)", "p50_ms", 0, True),
                                           ("latence p95 (ms)", "p95_ms", 0, True),
                                           ("réponses/s", "answers_per_s", 1, True),
                                           ("CPU par réponse (ms)", "cpu_ms_per_answer", 0, True),
                                           ("erreurs", "error_count", 0, False)):
            rows.append((f"{level} conv. : {label}", _get(ours, "levels", key, name), _get(ref, "levels", key, name),
                         digits, ratio))
    rows.append(("RSS totale après la charge (Mo)", _get(ours, "memory", "total_rss_mb"),
                 _get(ref, "memory", "total_rss_mb"), 0, True))
    for bot, column, who in ((ours, 1, "assistant"), (ref, 2, "référence")):
        for process in _get(bot, "memory", "processes") or []:
            cells: list[Any] = [f"  {who} : {process['role']} (pid {process['pid']})", None, None, 0, False]
            cells[column] = process["rss_mb"]
            rows.append(tuple(cells))  # type: ignore[arg-type]
    load = machine.get("load_average_start") or []
    lines = [f"Banc d'essai de la pile — {machine.get('cpu_count')} cœurs, charge moyenne au départ "
             f"{' / '.join(_fmt(x, 2) for x in load)} (1, 5, 15 min)",
             f"{'':44}{'assistant':>12}{'référence':>12}{'rapport':>10}"]
    lines += _row_lines(rows)
    lines += documents_lines(document)
    profile = document.get("profile") or {}
    turns = profile.get("turns") or {}
    if turns:
        lines += ["", "Profil d'un message (assistant, un à la fois, p50) :",
                  f"  tour complet {turns['turn']['p50_ms']:.0f} ms = NLU (/model/parse) "
                  f"{turns['nlu_parse']['p50_ms']:.0f} ms + serveur d'actions {turns['action_server']['p50_ms']:.0f} ms"
                  f" + reste ≈ {turns['rest_p50_ms']:.0f} ms (politiques, tracker SQLite, appel et validation "
                  "de la réponse d'action, canal)"]
    cold = profile.get("cold_start") or {}
    if cold.get("error"):
        lines += ["", f"Profil du démarrage à froid en échec : {cold['error'][:200]}"]
    elif cold:
        parts = [("import Rasa", "import_rasa_s"), ("décompression", "model_unpack_s"), ("spaCy", "spacy_load_s"),
                 ("noms de la base (extracteur d'entités)", "knowledge_names_load_s"), ("1er parse", "first_parse_s")]
        tensorflow = "tenu hors du processus" if cold.get("tensorflow_kept_out") else (
            "importé" if cold.get("tensorflow_imported") else "non importé")
        lines += ["", f"Démarrage à froid de Rasa (correctifs : {cold.get('rasa_patches') or 'aucun'} ; "
                  f"TensorFlow {tensorflow}), "
                  "étape par étape (s) : "
                  + ", ".join(f"{label} {cold[key]:.1f}" for label, key in parts if cold.get(key) is not None)
                  + f" ; total {_fmt(cold.get('total_s'), 1)} s"
                  + (f" (spaCy chargé {cold['spacy_load_calls']} fois)" if cold.get("spacy_load_calls", 1) > 1 else "")
                  + f" ; RSS {_fmt(cold.get('rss_mb_after_second_parse'), 0)} Mo"]
    lines += ["", "Objectifs :"]
    for t in document.get("targets", []):
        sign = "≤" if t["comparison"] == "<=" else "≥"
        digits = {"ratio": 2, "Mo": 0}.get(t.get("unit"), 1)
        lines.append(f"  [{'OK' if t['met'] else 'NON'}] {t['name']} : {_fmt(t['value'], digits)} {sign} "
                     f"{_fmt(t['target'], digits)} ({t['detail']})")
    lines.append("Tous les objectifs sont atteints." if document.get("all_met") else
                 "Objectifs non atteints : voir le profil ci-dessus et build/bench.json.")
    return "\n".join(lines)


# -- the command ------------------------------------------------------------------------------------------

def _env_pairs(items: Sequence[str]) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValueError(f"--env attend CLÉ=VALEUR, pas {item!r}")
        out[key] = value
    return out


# -- the documents-only base ----------------------------------------------------------------------------------

def national_store(stack_env: dict[str, str]) -> Path:
    """The store our national run reads: $ORIENTATION_KB (from --env, else ours), else build/knowledge.sqlite;
    a relative path is the launcher's, i.e. the project's."""
    from knowledge.kb import DEFAULT_STORE

    value = stack_env.get("ORIENTATION_KB") or os.environ.get("ORIENTATION_KB")
    path = Path(value) if value else DEFAULT_STORE
    return path if path.is_absolute() else ROOT / path


def documents_manifest(manifest: Path) -> str:
    """The manifest of the source documents alone: `manifest`'s entries read by a parser (its `import:`
    entries, the national exports, left out), their files as absolute paths."""
    from knowledge.build import seed_entries

    entries = [{**entry, "file": str((manifest.parent / entry["file"]).resolve())} for entry in seed_entries(manifest)]
    return ("# Generated by `orientation bench stack` (bench/benchmark.py): the source documents of "
            f"{manifest}, without the national exports.\n"
            + yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=120))


def documents_store(folder: Path, manifest: Optional[Path] = None) -> tuple[Path, bool]:
    """A store of the source documents alone in `folder` (knowledge-documents.sqlite), built unless the one
    there is current; no export imported with `orientation kb import` is read. (path, whether built)."""
    from knowledge.build import MANIFEST, build, store_is_current

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "manifest-documents.yml"
    text = documents_manifest(manifest or MANIFEST)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    store = folder / "knowledge-documents.sqlite"
    if store_is_current(store, path):
        return store, False
    build(store, path, imports=folder / "no-imports.sqlite")  # absent: the shipped documents only
    return store, True


def store_info(path: Path) -> dict[str, Any]:
    """A store's path, size (MB) and records per type."""
    import sqlite3

    counts: dict[str, int] = {}
    if path.exists():
        try:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                counts = dict(db.execute("SELECT type, COUNT(*) FROM records GROUP BY type ORDER BY type"))
            finally:
                db.close()
        except sqlite3.Error:
            pass
    return {"store": str(path), "size_mb": round(path.stat().st_size / 2 ** 20, 1) if path.exists() else None,
            "records": sum(counts.values()) if counts else None, "counts": counts}


def answered_figures(scripts: Sequence[Script], verdicts: Sequence[Sequence[bool]]) -> dict[str, Any]:
    """How many FAQ questions a base answered as expected in the warm-up, and which it did not."""
    turns = [(turn, ok) for script, v in zip(scripts, verdicts) for turn, ok in zip(script.turns, v)]
    return {"questions": len(turns), "passed": sum(ok for _, ok in turns),
            "not_passed": [turn.question for turn, ok in turns if not ok]}


def start_documents(document: dict, faq: Sequence[Script], model: Path, stack_env: dict[str, str], folder: Path,
                    logs: Path, stack: contextlib.ExitStack,
                    say: Callable[[str], None]) -> tuple[Optional[Bot], list[Script], list[list[bool]]]:
    """The documents-only run up to its 1-conversation pass (step 3 of the module's docstring): the store built,
    the bot started (cold start, RSS) and warmed up, its answers judged. Figures into document["documents"],
    the stores into document["knowledge"], the conversations both runs are to play into
    document["comparison"]. Returns the running bot (stopped by `stack`), those conversations and the
    documents-only verdicts of the FAQ; no bot when it failed (the error is in document["documents"])."""
    from knowledge.build import store_is_current

    scripts = [script.questions for script in faq]
    national = national_store(stack_env)
    document["knowledge"] = {"national": {**store_info(national), "current": store_is_current(national)}}
    if not document["knowledge"]["national"]["current"]:
        say(f"Attention : {national} n'est pas la base des sources actuelles (lancer « make kb »)")
    try:
        say("Base des documents seuls…")
        store, built = documents_store(folder)
        document["knowledge"]["documents"] = {**store_info(store), "built": built}
        say(f"  {store} ({'construite' if built else 'à jour'})")
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-documents-", dir=folder)))
        bot = Assistant(workdir, model, {**stack_env, "ORIENTATION_KB": str(store)})
        bot.name, bot.log = "documents seuls", logs / "documents-run.log"
        stack.callback(bot.stop)
        figures, answers = start_and_warm_up(bot, scripts, say)
    except Exception as error:  # the rest of the run stands: the three targets are then not met
        say(f"[documents seuls] en échec : {error}")
        document["documents"] = {"error": f"{type(error).__name__}: {error}"[:1000]}
        return None, [], []
    verdicts = judge_scripts(faq, answers)
    figures["answered_as_expected"] = answered_figures(faq, verdicts)
    document["documents"] = figures
    compared = comparison_scripts(faq, verdicts)
    document["comparison"] = {
        "rule": "questions de la FAQ répondues comme attendu (attendu/interdit) sur la base des documents seuls : "
                "conversations à relances gardées entières, autres questions par 4 ; jouées à 1 conversation "
                "sur les deux piles démarrées côte à côte, en alternance",
        "scripts": len(compared), "messages": messages_of([s.questions for s in compared]),
        "questions": figures["answered_as_expected"]["questions"],
        "answered_on_documents": figures["answered_as_expected"]["passed"],
        "also_answered_on_national": None,
        "conversations": [list(s.questions) for s in compared],
    }
    return bot, compared, verdicts


def run_bench(args: argparse.Namespace, stack_env: dict[str, str], say: Callable[[str], None] = print) -> dict:
    folder: Path = args.folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    logs = folder / "logs"
    logs.mkdir(exist_ok=True)
    faq = faq_scripts(args.faq)
    scripts = [script.questions for script in faq]
    documents = getattr(args, "documents", True)
    document = new_document(args.levels, args.seconds, scripts, stack_env, documents)
    say(f"{len(scripts)} conversations, {messages_of(scripts)} messages ; charge moyenne "
        f"{document['machine']['load_average_start']}")
    baseline_project = write_baseline(folder / "baseline")
    model = args.model.resolve() if args.model else None  # the bots do not run in the current folder
    if model is None:
        say("Entraînement complet de l'assistant…")
        seconds, cpu, model = train(our_project(), folder / "models", "orientation", logs / "train-assistant.log")
        document["training"].update(assistant_s=round(seconds, 1), assistant_cpu_s=round(cpu, 1))
        say(f"  {seconds:.0f} s (CPU {cpu:.0f} s)")
    baseline_model = args.baseline_model.resolve() if args.baseline_model else None
    if baseline_model is None:
        say("Entraînement complet de la référence…")
        seconds, cpu, baseline_model = train(baseline_project, folder / "models", "baseline",
                                             logs / "train-baseline.log")
        document["training"].update(baseline_s=round(seconds, 1), baseline_cpu_s=round(cpu, 1))
        say(f"  {seconds:.0f} s (CPU {cpu:.0f} s)")
    document["models"] = {"assistant": str(model), "baseline": str(baseline_model)}

    with tempfile.TemporaryDirectory(prefix="bench-ref-", dir=folder) as workdir:
        bot = Baseline(Path(workdir), baseline_project, baseline_model)
        bot.log = logs / "baseline-run.log"
        try:
            document["baseline"] = measure_bot(bot, scripts, args.levels, args.seconds, say)
        finally:
            bot.stop()

    with contextlib.ExitStack() as stack:
        alone, compared, alone_verdicts = (start_documents(document, faq, model, stack_env, folder, logs, stack, say)
                                           if documents else (None, [], []))
        ours = Assistant(Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-assistant-", dir=folder))),
                         model, stack_env)
        ours.log = logs / "assistant-run.log"
        stack.callback(ours.stop)
        figures, answers = start_and_warm_up(ours, scripts, say)
        verdicts = judge_scripts(faq, answers)
        figures["answered_as_expected"] = answered_figures(faq, verdicts)
        if alone is not None and compared:  # same steps as the documents-only run so far: now both, in turn
            say(f"[{alone.name} | {ours.name}] 1 conversation, en alternance, pendant {2 * args.seconds:.0f} s…")
            level_alone, level_national = run_paired_level([alone, ours], [s.questions for s in compared],
                                                           2 * args.seconds)
            document["documents"]["levels"]["1"] = level_alone
            document["documents"]["memory"] = alone.memory()
            figures["documents_questions"] = {"levels": {"1": level_national}, "memory": ours.memory()}
        if alone is not None:
            alone.stop()
            document["comparison"]["also_answered_on_national"] = sum(
                ok for v_alone, v_national in zip(alone_verdicts, verdicts) for was, ok in zip(v_alone, v_national)
                if was)
        document["assistant"] = run_levels(ours, scripts, args.levels, args.seconds, figures, say)
        if args.profile:
            say("[assistant] profil d'un message…")
            document["profile"] = {"turns": profile_turns(ours, scripts)}
            say("[assistant] tours d'exploration et questions, en alternance…")
            with contextlib.closing(KnowledgeBase(national_store(stack_env))) as kb:
                explorations = exploration_scripts(kb)
            document["profile"]["exploration"] = paired_turns(
                lambda sender, text: post_json(ours.url, {"sender": sender, "message": text}), explorations, scripts)
    if args.profile:
        say("Profil du démarrage à froid de Rasa…")
        try:
            document["profile"]["cold_start"] = profile_cold_start(model, scripts[0][0], stack_env)
        except (RuntimeError, subprocess.TimeoutExpired) as error:
            document["profile"]["cold_start"] = {"error": str(error)[:500]}
    return finish(document)


def cmd_stack(args: argparse.Namespace) -> int:
    try:
        stack_env = _env_pairs(args.env)
    except ValueError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    document = run_bench(args, stack_env, lambda text: print(text, file=sys.stderr, flush=True))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(render_table(document))
    print(f"Chiffres écrits dans {args.json}")
    return 0 if document["all_met"] or not args.strict else 1


def _levels(text: str) -> list[int]:
    levels = [int(x) for x in text.split(",") if x.strip()]
    if not levels or min(levels) < 1:
        raise argparse.ArgumentTypeError("niveaux attendus : entiers positifs séparés par des virgules")
    return levels


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--levels", type=_levels, default=list(LEVELS),
                        help="conversations simultanées, par palier (1,10,50)")
    parser.add_argument("--seconds", type=float, default=SECONDS_PER_LEVEL, help="durée de chaque palier (40 s)")
    parser.add_argument("--model", type=Path, default=None,
                        help="modèle de l'assistant déjà entraîné (pas d'entraînement ni de temps d'entraînement)")
    parser.add_argument("--baseline-model", type=Path, default=None, help="modèle de référence déjà entraîné")
    parser.add_argument("--env", action="append", default=[], metavar="CLÉ=VALEUR",
                        help="variable d'environnement de la pile de l'assistant (essais de réglages)")
    parser.add_argument("--no-profile", dest="profile", action="store_false", help="sans le profil")
    parser.add_argument("--no-documents", dest="documents", action="store_false",
                        help="sans la comparaison avec la base des documents seuls (coût des données nationales)")
    parser.add_argument("--faq", type=Path, default=FAQ_CSV, help="questions des conversations (faq/exemple.csv)")
    parser.add_argument("--folder", type=Path, default=DEFAULT_FOLDER, help="modèles, journaux (build/bench)")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="fichier des chiffres (build/bench.json)")
    parser.add_argument("--strict", action="store_true", help="code de sortie 1 si un objectif n'est pas atteint")
    parser.set_defaults(func=cmd_stack)


def add_stack_command(bench: argparse._SubParsersAction) -> None:
    """Register `stack` among the `bench` sub-commands."""
    add_arguments(bench.add_parser("stack", help="la pile complète contre un Rasa nu : latence, débit, "
                                            "mémoire, démarrage, entraînement (build/bench.json)"))


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.benchmark", description=__doc__.splitlines()[0])
    add_arguments(parser)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
