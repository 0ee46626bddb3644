"""Held-out conversations through the REST channel: the share of realistic conversations the assistant gets right.

`orientation bench conversations [--url URL] [--start]` plays tests/conversations_holdout.yml (issue 16: follow-ups,
names alone, corrections, choices in words, several questions, fine-grained facts, honest gaps, small talk in the
middle), each conversation under a fresh sender id, and checks every answer against its turn's `must`, `must_any`
and `must_not` (case, accents, white space and hyphens aside: the staff FAQ check's comparison, hyphens too). A conversation passes when
all its turns do. It prints the pass rate overall and per category and the failures, and writes them to
build/rapports/conversations.txt. A turn whose text is the title of a button of the previous answer sends that
button's payload, as a real client does. A measure, not a test: `--min-rate` makes it one (exit code 1 below).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import secrets
import sys
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

import yaml

from bot.server.stack import private_stack, reachable
from knowledge.conversation import tool_sender
from knowledge.progress import progress_bar
from staff.faq import squash

ROOT = Path(__file__).resolve().parents[1]
HOLDOUT = ROOT / "tests" / "conversations_holdout.yml"
REPORT = ROOT / "build" / "rapports" / "conversations.txt"
DEFAULT_URL = "http://localhost:5005/webhooks/rest/webhook"
CATEGORIES = ("follow_up", "pronoun", "name_alone", "correction", "choice_in_words", "several_questions",
              "fine_grained_fact", "honest_gap", "small_talk_middle", "national_job")
MIN_CONVERSATIONS = 150
TURNS = range(2, 5)  # 2 to 4 turns
EXCERPT = 400  # characters of an answer shown for a failed turn

# (sender, text) → the bot messages of the REST channel ([{"text": …, "buttons": […]}, …])
Say = Callable[[str, str], list[dict]]


class HoldoutError(ValueError):
    """A conversations file that cannot be played: every problem found, one a line."""


# -- the file ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Turn:
    user: str
    must: tuple[tuple[str, ...], ...] = ()  # each item: alternatives, one of which must be present
    must_any: tuple[str, ...] = ()  # at least one of these, when given
    must_not: tuple[str, ...] = ()

    def expected(self) -> list[str]:
        return [alt for item in self.must for alt in item] + list(self.must_any)


@dataclass(frozen=True)
class Conversation:
    id: str
    category: str
    turns: tuple[Turn, ...]


@dataclass(frozen=True)
class Holdout:
    conversations: tuple[Conversation, ...]
    forbidden_everywhere: tuple[str, ...] = ()


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


def problems(data: Any) -> list[str]:
    """Everything wrong with the parsed file (an empty list: playable)."""
    if not isinstance(data, dict) or not isinstance(data.get("conversations"), list):
        return ["le fichier doit contenir une liste « conversations »"]
    found = []
    if not _strings(data.get("forbidden_everywhere", [])):
        found.append("« forbidden_everywhere » doit être une liste de textes non vides")
    conversations = data["conversations"]
    if len(conversations) < MIN_CONVERSATIONS:
        found.append(f"{len(conversations)} conversations, il en faut au moins {MIN_CONVERSATIONS}")
    seen: set[str] = set()
    for n, conv in enumerate(conversations, 1):
        where = f"conversation {n}"
        if not isinstance(conv, dict):
            found.append(f"{where} : une conversation est un dictionnaire (id, category, turns)")
            continue
        cid = conv.get("id")
        if not isinstance(cid, str) or not cid.strip():
            found.append(f"{where} : « id » manquant")
        else:
            where = f"conversation {n} ({cid})"
            if cid in seen:
                found.append(f"{where} : id en double")
            seen.add(cid)
        if conv.get("category") not in CATEGORIES:
            found.append(f"{where} : catégorie {conv.get('category')!r} hors de {', '.join(CATEGORIES)}")
        turns = conv.get("turns")
        if not isinstance(turns, list) or len(turns) not in TURNS:
            found.append(f"{where} : il faut de {TURNS.start} à {TURNS.stop - 1} tours "
                         f"({len(turns) if isinstance(turns, list) else 'aucun'})")
            continue
        for t, turn in enumerate(turns, 1):
            found.extend(f"{where}, tour {t} : {p}" for p in _turn_problems(turn))
    return found


def _turn_problems(turn: Any) -> list[str]:
    if not isinstance(turn, dict):
        return ["un tour est un dictionnaire (user, must, must_not)"]
    found = []
    unknown = set(turn) - {"user", "must", "must_any", "must_not"}
    if unknown:
        found.append(f"clé(s) inconnue(s) : {', '.join(sorted(unknown))}")
    if not isinstance(turn.get("user"), str) or not turn["user"].strip():
        found.append("« user » vide")
    must = turn.get("must")
    if not isinstance(must, list) or not all(isinstance(i, str) and i.strip() or _strings(i) and i for i in must):
        found.append("« must » doit être une liste de textes (ou de listes d'alternatives)")
    if not _strings(turn.get("must_not")):
        found.append("« must_not » doit être une liste de textes (vide possible)")
    if "must_any" in turn and not (_strings(turn["must_any"]) and turn["must_any"]):
        found.append("« must_any » doit être une liste de textes non vide")
    if not found and not (must or turn.get("must_any") or turn.get("must_not")):
        found.append("rien à vérifier : must, must_any et must_not sont vides")
    return found


def parse(data: Any) -> Holdout:
    found = problems(data)
    if found:
        raise HoldoutError("\n".join(found))
    conversations = tuple(
        Conversation(c["id"], c["category"], tuple(
            Turn(t["user"], tuple((i,) if isinstance(i, str) else tuple(i) for i in t["must"]),
                 tuple(t.get("must_any") or ()), tuple(t["must_not"]))
            for t in c["turns"]))
        for c in data["conversations"])
    return Holdout(conversations, tuple(data.get("forbidden_everywhere") or ()))


def load(path: Path = HOLDOUT) -> Holdout:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise HoldoutError(f"{path} illisible : {error}") from None
    return parse(data)


# -- checking an answer (pure) ------------------------------------------------------------------------------------

def flat(text: str) -> str:
    """The compared form: the staff FAQ's (case, accents and white space aside), hyphens read as spaces
    (« Île-de-France » = « ile de france », « masseur-kiné » = « masseur kiné »)."""
    return squash(re.sub(r"[-‐‑–]", " ", text))


@dataclass
class Verdict:
    missing: list[str] = field(default_factory=list)  # a must item (its alternatives joined by « | »), or must_any
    forbidden: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.missing and not self.forbidden


def answer_text(messages: Iterable[dict]) -> str:
    """What the student sees: every text, then every button's title."""
    messages = list(messages)
    texts = [m.get("text") or "" for m in messages]
    titles = [b.get("title") or "" for m in messages for b in (m.get("buttons") or [])]
    return "\n".join(t for t in texts + titles if t)


def forbidden_for(turn: Turn, everywhere: Iterable[str]) -> list[str]:
    """The turn's must_not plus the file's forbidden_everywhere, less any of those that overlaps an expected item
    (a turn that expects « orientation » is not forbidden « Je ne peux t'aider que sur l'orientation »)."""
    expected = [flat(e) for e in turn.expected()]
    general = [g for g in everywhere if not any(e in flat(g) or flat(g) in e for e in expected)]
    return list(dict.fromkeys([*turn.must_not, *general]))


def check(turn: Turn, answer: str, everywhere: Iterable[str] = ()) -> Verdict:
    """The answer (texts and button titles) against the turn's expected and forbidden texts."""
    said = flat(answer)
    missing = [" | ".join(item) for item in turn.must if not any(flat(alt) in said for alt in item)]
    if turn.must_any and not any(flat(alt) in said for alt in turn.must_any):
        missing.append("l'un de : " + " | ".join(turn.must_any))
    forbidden = [f for f in forbidden_for(turn, everywhere) if flat(f) in said]
    return Verdict(missing, forbidden)


def to_send(user: str, buttons: Iterable[dict]) -> str:
    """The payload of the previous answer's button titled as the student wrote, else the text itself."""
    wanted = flat(user)
    for button in buttons:
        if flat(button.get("title") or "") == wanted and button.get("payload"):
            return button["payload"]
    return user


# -- playing ------------------------------------------------------------------------------------------------------

@dataclass
class TurnResult:
    number: int
    turn: Turn
    sent: str
    answer: str
    verdict: Verdict
    error: str = ""

    @property
    def passed(self) -> bool:
        return not self.error and self.verdict.passed


@dataclass
class ConversationResult:
    conversation: Conversation
    turns: list[TurnResult]

    @property
    def passed(self) -> bool:
        return all(t.passed for t in self.turns)


def rest_say(url: str, timeout: float = 60) -> Say:
    def say(sender: str, text: str) -> list[dict]:
        body = json.dumps({"sender": sender, "message": text}).encode()
        request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())
    return say


def play_one(conversation: Conversation, say: Say, sender: str, everywhere: Iterable[str] = ()) -> ConversationResult:
    """Every turn, in order, under one sender; a failed turn does not stop the conversation."""
    results, buttons = [], []
    everywhere = list(everywhere)
    for number, turn in enumerate(conversation.turns, 1):
        sent = to_send(turn.user, buttons)
        try:
            messages = say(sender, sent)
        except (OSError, ValueError) as error:  # URLError, HTTPError, timeouts, bad JSON
            results.append(TurnResult(number, turn, sent, "", Verdict(), error=f"{type(error).__name__}: {error}"))
            buttons = []
            continue
        text = answer_text(messages)
        buttons = [b for m in messages for b in (m.get("buttons") or [])]
        results.append(TurnResult(number, turn, sent, text, check(turn, text, everywhere)))
    return ConversationResult(conversation, results)


def play(holdout: Holdout, say: Say, progress: bool = True) -> list[ConversationResult]:
    run = secrets.token_hex(3)
    results = []
    with progress_bar(total=len(holdout.conversations), desc="conversations", unit="conv.",
                      disable=not progress) as bar:
        for n, conversation in enumerate(holdout.conversations):
            sender = tool_sender(f"conversations-{run}-{n}")
            results.append(play_one(conversation, say, sender, holdout.forbidden_everywhere))
            bar.update(1)
    return results


# -- figures and report -------------------------------------------------------------------------------------------

def rate(passed: int, total: int) -> float:
    return passed / total if total else 0.0


def per_category(results: list[ConversationResult]) -> dict[str, tuple[int, int]]:
    """category → (passed, total), in the order of CATEGORIES."""
    total = Counter(r.conversation.category for r in results)
    passed = Counter(r.conversation.category for r in results if r.passed)
    return {c: (passed[c], total[c]) for c in CATEGORIES if total[c]}


def _excerpt(text: str) -> str:
    flat = " ⏎ ".join(line.strip() for line in text.splitlines() if line.strip())
    return flat if len(flat) <= EXCERPT else flat[:EXCERPT - 1] + "…"


def report(results: list[ConversationResult], source: str, url: str) -> str:
    passed = sum(r.passed for r in results)
    turns = [t for r in results for t in r.turns]
    turns_passed = sum(t.passed for t in turns)
    lines = [
        f"Conversations tenues à l'écart de l'entraînement — {source}",
        f"{dt.datetime.now().strftime('%d/%m/%Y %H:%M')} · assistant : {url}",
        f"Conversations réussies : {passed}/{len(results)} ({100 * rate(passed, len(results)):.1f} %) · "
        f"tours réussis : {turns_passed}/{len(turns)} ({100 * rate(turns_passed, len(turns)):.1f} %)",
        "",
        "Par catégorie :",
    ]
    for category, (ok, total) in per_category(results).items():
        lines.append(f"  {category:<20} {ok:>3}/{total:<3} {100 * rate(ok, total):5.1f} %")
    failed = [r for r in results if not r.passed]
    if failed:
        lines += ["", f"Échecs ({len(failed)}) :"]
    for r in failed:
        lines.append(f"[{r.conversation.category}] {r.conversation.id}")
        for t in r.turns:
            mark = "ok " if t.passed else "KO "
            sent = f" (bouton : {t.sent})" if t.sent != t.turn.user else ""
            lines.append(f"  {mark}tour {t.number}/{len(r.turns)} : « {t.turn.user} »{sent}")
            if t.passed:
                continue
            if t.error:
                lines.append(f"      erreur : {t.error}")
                continue
            lines.append(f"      réponse : « {_excerpt(t.answer)} »")
            for item in t.verdict.missing:
                lines.append(f"      manque : {item}")
            for item in t.verdict.forbidden:
                lines.append(f"      interdit présent : {item}")
    return "\n".join(lines) + "\n"


# -- command line -------------------------------------------------------------------------------------------------

def run(holdout: Holdout, url: str, args: argparse.Namespace) -> int:
    results = play(holdout, rest_say(url, args.timeout), progress=not args.quiet)
    text = report(results, str(args.file), url)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(text, encoding="utf-8")
    print(text, end="")
    print(f"Rapport : {args.report}")
    passed = sum(r.passed for r in results)
    if args.min_rate is not None and rate(passed, len(results)) < args.min_rate:
        print(f"Sous le seuil : {100 * rate(passed, len(results)):.1f} % < {100 * args.min_rate:.1f} %",
              file=sys.stderr)
        return 1
    return 0


def cmd_conversations(args: argparse.Namespace) -> int:
    try:
        holdout = load(args.file)
    except HoldoutError as error:
        print(f"Erreur : {args.file} :\n{error}", file=sys.stderr)
        return 2
    if args.category:
        holdout = Holdout(tuple(c for c in holdout.conversations if c.category in args.category),
                          holdout.forbidden_everywhere)
    if not args.start and reachable(args.url):
        return run(holdout, args.url, args)
    print(("D" if args.start else f"Aucun assistant sur {args.url} : d") + "émarrage d'un assistant privé le temps "
          "des conversations…", file=sys.stderr)
    with private_stack("conversations-") as stack:
        return run(holdout, stack.url, args)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", default=DEFAULT_URL, help="canal REST d'un assistant en marche "
                        f"(par défaut {DEFAULT_URL} ; à défaut, un assistant privé est démarré)")
    parser.add_argument("--start", action="store_true", help="toujours démarrer un assistant privé")
    parser.add_argument("--file", type=Path, default=HOLDOUT, help="fichier des conversations (YAML)")
    parser.add_argument("--report", type=Path, default=REPORT, help="rapport texte à écrire")
    parser.add_argument("--category", action="append", choices=CATEGORIES, help="seulement cette catégorie "
                        "(répétable)")
    parser.add_argument("--min-rate", type=float, default=None, help="taux de conversations réussies exigé "
                        "(0.95) : code de sortie 1 en dessous")
    parser.add_argument("--timeout", type=float, default=60, help="délai d'une réponse, en secondes")
    parser.add_argument("--quiet", action="store_true", help="sans barre de progression")
    parser.set_defaults(func=cmd_conversations)


def add_conversations_command(bench: argparse._SubParsersAction) -> None:
    """Register `conversations` among the `bench` sub-commands."""
    add_arguments(bench.add_parser("conversations", help="conversations tenues à l'écart de l'entraînement (REST)"))


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.conversations", description=__doc__.splitlines()[0])
    add_arguments(parser)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
