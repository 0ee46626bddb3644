"""`orientation faq check FILE.csv --report rapport.html`: play the staff FAQ through the real assistant.

Exit codes: 0 every row passed; 1 a row failed or a malformed row was set aside (the report and the console
name its line and why; every other row was still played); 2 nothing could be checked (file unreadable, no
« question » column, assistant unreachable, staff password refused)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import sys
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

from jinja2 import Environment

from knowledge.progress import progress_bar

from .auth import hash_password
from .client import AssistantUnreachable, ConsoleClient, Reply
from .faq import FaqError, FaqFile, FaqProblem, FaqRow, Verdict, conversations, judge, load_faq

ROOT = Path(__file__).resolve().parents[1]
LATEST = ROOT / "build" / "rapports" / "faq.html"
# (prefix, environment) → a context manager giving a started assistant with a `.base` URL.
StartAssistant = Callable[[str, dict[str, str]], AbstractContextManager[Any]]


@dataclass
class Outcome:
    row: FaqRow
    reply: Reply
    verdict: Verdict


def play(rows: list[FaqRow], client: ConsoleClient, progress: bool = True) -> list[Outcome]:
    """Every row, in conversations: shared ids in one conversation, other rows each in a fresh one."""
    run = secrets.token_hex(4)
    outcomes: list[Outcome] = []
    with progress_bar(total=len(rows), desc="FAQ", unit="question", disable=not progress) as bar:
        for number, group in enumerate(conversations(rows)):
            sender = f"faq-{run}-{number}"
            for row in group:
                reply = client.ask(sender, row.question)
                outcomes.append(Outcome(row, reply, judge(row, reply.text + "\n" + "\n".join(b.get("title", "") for b in reply.buttons))))
                bar.update(1)
    return sorted(outcomes, key=lambda o: o.row.line)


TEMPLATE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Vérification de la FAQ</title>
<style>
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:1.6rem}table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #ddd;padding:.45rem;
text-align:left;vertical-align:top;font-size:.92rem}th{background:#f3f5f8}.ok{color:#0b6b2f;font-weight:600}
.ko{color:#a30d0d;font-weight:600}tr.ko-row{background:#fff3f3}.answer{white-space:pre-line;max-width:34rem}
.muted{color:#555}.tag{display:inline-block;background:#eef1f5;border-radius:4px;padding:0 .3rem;margin:.1rem 0}
tr.bad-row{background:#fff8e6}
</style></head><body>
<h1>Vérification de la FAQ — {{ name }}</h1>
<p>{{ when }} · {{ total }} question(s) · <span class="ok">{{ passed }} réussie(s)</span> ·
<span class="{{ 'ko' if failed else 'ok' }}">{{ failed }} en échec</span>{% if problems %} ·
<span class="ko">{{ problems|length }} ligne(s) mal formée(s), non vérifiée(s)</span>{% endif %}</p>
{% if problems %}<h2 id="lignes-mal-formees">Lignes mal formées, non vérifiées</h2>
<p class="muted">Ces lignes du fichier n'ont pas été jouées : les corriger dans le tableur puis relancer la
vérification. Toutes les autres lignes ont été vérifiées normalement{% if not outcomes %} (il n'en restait
aucune){% endif %}.</p>
<table><tr><th>Ligne</th><th>Problème</th><th>Question</th></tr>
{% for p in problems %}<tr class="bad-row"><td>{{ p.line }}</td><td><span class="ko">mal formée</span> :
{{ p.reason }}</td><td>{{ p.question or '—' }}</td></tr>{% endfor %}</table>
{% if outcomes %}<h2>Questions vérifiées</h2>{% endif %}{% endif %}
{% if outcomes %}<table><tr><th>Ligne</th><th>Résultat</th><th>Question</th><th>Réponse donnée</th><th>Explication</th></tr>
{% for o in outcomes %}<tr class="{{ '' if o.verdict.passed else 'ko-row' }}">
<td>{{ o.row.line }}{% if o.row.conversation %}<br><span class="muted">conv. {{ o.row.conversation }}</span>{% endif %}</td>
<td>{% if o.verdict.passed %}<span class="ok">réussie</span>{% else %}<span class="ko">échec</span>
{% for m in o.verdict.missing %}<br>manque : <span class="tag">{{ m }}</span>{% endfor %}
{% for f in o.verdict.present_forbidden %}<br>interdit présent : <span class="tag">{{ f }}</span>{% endfor %}{% endif %}
{% if not o.row.expected %}<br><span class="muted">vérifie seulement ce qui ne doit pas être dit :</span>
{% for f in o.row.forbidden %}<span class="tag">{{ f }}</span> {% endfor %}{% endif %}</td>
<td>{{ o.row.question }}</td>
<td class="answer">{{ o.reply.text }}{% if o.reply.buttons %}<br><span class="muted">Boutons :</span>
{% for b in o.reply.buttons %}<span class="tag">{{ b.title }}</span> {% endfor %}{% endif %}</td>
<td>intention : {{ o.reply.intent or '—' }}<br>confiance : {{ '%.2f'|format(o.reply.confidence) }}<br>
fiche : {{ o.reply.record or '—' }}{% if o.reply.source %}<br><span class="muted">{{ o.reply.source }}</span>{% endif %}</td>
</tr>{% endfor %}</table>{% endif %}</body></html>"""


def render(outcomes: list[Outcome], name: str, problems: Optional[list[FaqProblem]] = None) -> str:
    passed = sum(o.verdict.passed for o in outcomes)
    return Environment(autoescape=True).from_string(TEMPLATE).render(
        outcomes=outcomes, name=name, total=len(outcomes), passed=passed, failed=len(outcomes) - passed,
        problems=sorted(problems or [], key=lambda p: p.line), when=dt.datetime.now().strftime("%d/%m/%Y %H:%M"),
    )


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count < 2 else plural}"  # « 0 question réussie », as French says it


def _finish(args: argparse.Namespace, faq: FaqFile, outcomes: list[Outcome]) -> int:
    """The report (--report and build/rapports/faq.html), the console summary and the exit code (0 or 1)."""
    html = render(outcomes, args.file.name, faq.problems)
    for target in filter(None, [args.report, LATEST]):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    failed = [o for o in outcomes if not o.verdict.passed]
    for o in failed:
        print(f"ÉCHEC ligne {o.row.line} : « {o.row.question} » — manque {o.verdict.missing or '∅'}"
              f"{' ; interdit présent ' + str(o.verdict.present_forbidden) if o.verdict.present_forbidden else ''}")
    for p in sorted(faq.problems, key=lambda p: p.line):
        print(f"MAL FORMÉE ligne {p.line}, non vérifiée : {p.reason}"
              + (f" (« {p.question} »)" if p.question else ""))
    passed = len(outcomes) - len(failed)
    summary = f"Bilan : {_plural(passed, 'question réussie', 'questions réussies')}, {len(failed)} en échec"
    if faq.problems:
        summary += f", {_plural(len(faq.problems), 'ligne mal formée', 'lignes mal formées')} à corriger"
    tally = f"{passed} passed, {len(failed)} failed" + (f", {len(faq.problems)} invalid" if faq.problems else "")
    print(f"{summary} ({tally})" + (f" — rapport : {args.report}" if args.report else ""))
    return 1 if failed or faq.problems else 0


def _run(args: argparse.Namespace, client: ConsoleClient, faq: FaqFile) -> int:
    return _finish(args, faq, play(faq.rows, client, progress=not args.quiet))


def cmd_faq_check(args: argparse.Namespace) -> int:
    try:
        faq = load_faq(args.file)  # a file that cannot be read at all is said before anything starts
    except FaqError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    if faq.problems:
        numbers = ", ".join(str(p.line) for p in faq.problems)
        print("Attention : " + (f"la ligne {numbers} est mal formée et ne sera pas vérifiée"
                                if len(faq.problems) == 1 else
                                f"les lignes {numbers} sont mal formées et ne seront pas vérifiées")
              + (" ; les autres le seront" if faq.rows else "") + " (détail à la fin et dans le rapport).",
              file=sys.stderr)
    if not faq.rows:  # nothing to ask: the report lists what to fix
        return _finish(args, faq, [])
    password = os.environ.get("STAFF_PASSWORD", "")
    client = ConsoleClient(args.url, password)
    if not args.start and client.reachable():
        try:
            return _run(args, client, faq)
        except (PermissionError, AssistantUnreachable) as error:
            print(f"Erreur : {error}", file=sys.stderr)
            return 2
    if not args.start:
        print(f"Aucun assistant sur {args.url} : démarrage d'un assistant privé le temps de la vérification…",
              file=sys.stderr)
    if args.start_assistant is None:
        print("Erreur : aucun moyen de démarrer un assistant ici (lancer « make run » à côté).", file=sys.stderr)
        return 2
    password = secrets.token_urlsafe(16)
    with args.start_assistant("faq-", {"STAFF_PASSWORD_HASH": hash_password(password)}) as stack:
        return _run(args, ConsoleClient(stack.base, password), faq)


def add_faq_commands(subparsers: argparse._SubParsersAction, start_assistant: Optional[StartAssistant] = None) -> None:
    """`start_assistant(prefix, env)`: a context manager giving a started private assistant (its `.base` URL),
    passed in by the command line so that staff/ does not import the runtime."""
    faq = subparsers.add_parser("faq", help="vérifier la FAQ de l'établissement").add_subparsers(dest="faq", required=True)
    check = faq.add_parser("check", help="poser chaque question à l'assistant et comparer")
    check.add_argument("file", type=Path, help="fichier CSV (colonnes question ; attendu et/ou interdit [; conversation])")
    check.add_argument("--report", type=Path, default=None, help="rapport HTML à écrire")
    check.add_argument("--url", default=os.environ.get("ORIENTATION_URL", "http://127.0.0.1:5005"),
                       help="assistant en marche (mot de passe : STAFF_PASSWORD)")
    check.add_argument("--start", action="store_true", help="toujours démarrer un assistant privé")
    check.add_argument("--quiet", action="store_true", help="sans barre de progression")
    check.set_defaults(func=cmd_faq_check, start_assistant=start_assistant)


__all__ = ["add_faq_commands"]
