"""What students asked that the assistant could not answer, read from the tracker store.

Reads Rasa's SQL tracker store (SQLite by default, PostgreSQL when configured) without personal data:
no sender id, e-mail addresses and phone numbers masked. Staff traffic (console) is left out.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

import sqlalchemy as sa
import yaml
from jinja2 import Environment
from rapidfuzz import fuzz

from knowledge.conversation import Outcome, is_tool_sender
from knowledge.kb import KnowledgeBase, StoreMissing
from knowledge.model import Certification, Metier
from knowledge.normalize import normalize

ROOT = Path(__file__).resolve().parents[1]
STAFF_CHANNELS = {"console"}
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
_PHONE = re.compile(r"(?<![\w])(?:\+?\d[\s.-]?){8,}\d(?![\w])")


def mask(text: str) -> str:
    """Mask e-mail addresses and phone-like numbers."""
    return _PHONE.sub("[numéro masqué]", _EMAIL.sub("[e-mail masqué]", text))


def engine_from_endpoints(path: Path) -> sa.engine.Engine:
    """An SQLAlchemy engine for the `tracker_store` of an endpoints file (SQL stores only)."""
    raw = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("tracker_store") or {}
    # Rasa substitutes ${VAR} in endpoint files; do the same.
    config = {k: os.path.expandvars(v) if isinstance(v, str) else v for k, v in raw.items()}
    if (config.get("type") or "").lower() not in {"sql", "rasa.core.tracker_store.sqltrackerstore"}:
        raise ValueError(f"{path.name} : le rapport lit un tracker store SQL (type: SQL), pas « {config.get('type')} »")
    dialect = config.get("dialect", "sqlite")
    if dialect == "sqlite":
        db = Path(config.get("db", "rasa.db"))
        return sa.create_engine(f"sqlite:///{db if db.is_absolute() else ROOT / db}")
    port = config.get("port")
    url = sa.engine.URL.create(dialect, username=config.get("username"), password=config.get("password"),
                               host=config.get("url"), port=int(port) if port else None, database=config.get("db"))
    return sa.create_engine(url)


@dataclass
class Turn:
    day: dt.date
    conversation: str  # opaque, never shown
    text: str
    intent: str
    kinds: list[str] = field(default_factory=list)
    records: list[str] = field(default_factory=list)


def load_turns(engine: sa.engine.Engine, since: dt.datetime) -> list[Turn]:
    """User turns since `since` with the outcome of the answers that followed them."""
    events = sa.Table("events", sa.MetaData(), autoload_with=engine)
    query = (sa.select(events.c.sender_id, events.c.type_name, events.c.timestamp, events.c.data)
             .where(events.c.timestamp >= since.timestamp())
             .where(events.c.type_name.in_(["user", "bot"]))
             .order_by(events.c.sender_id, events.c.id))
    turns: list[Turn] = []
    current: Optional[Turn] = None
    with engine.connect() as connection:
        for sender, kind, timestamp, raw in connection.execute(query):
            data = json.loads(raw)
            if kind == "user":
                current = None
                if ((data.get("input_channel") or "") in STAFF_CHANNELS or not data.get("text")
                        or is_tool_sender(sender)):
                    continue
                current = Turn(dt.datetime.fromtimestamp(timestamp).date(), sender, data["text"],
                               ((data.get("parse_data") or {}).get("intent") or {}).get("name") or "")
                turns.append(current)
            elif current is not None and current.conversation == sender:
                outcome = Outcome.read(data.get("metadata"))
                if outcome is not None:
                    current.kinds.append(outcome.kind)
                    if outcome.record:
                        current.records.append(outcome.record)
    return turns


def unanswered(turn: Turn) -> bool:
    return turn.intent == "nlu_fallback" or any(Outcome(kind).unanswered for kind in turn.kinds)


def group_similar(texts: Iterable[str], threshold: int = 75) -> list[tuple[str, int, list[str]]]:
    """Greedy grouping by similarity of normalised text: (representative, count, variants), largest first."""
    groups: list[dict[str, Any]] = []
    for text in texts:
        norm = normalize(text, drop_generic=False).text or text.lower()
        for group in groups:
            if fuzz.token_set_ratio(norm, group["norm"]) >= threshold:
                group["items"].append(text)
                break
        else:
            groups.append({"norm": norm, "items": [text]})
    out = []
    for group in groups:
        counts = Counter(group["items"])
        out.append((counts.most_common(1)[0][0], len(group["items"]), sorted(counts)))
    return sorted(out, key=lambda g: (-g[1], g[0]))


@dataclass
class Report:
    since: dt.date
    until: dt.date
    conversations: int
    questions: int
    unanswered_groups: list[tuple[str, int, list[str]]]
    unanswered_count: int
    top_jobs: list[tuple[str, int]]
    top_certifications: list[tuple[str, int]]
    per_day: list[tuple[dt.date, int]]


def build_report(turns: list[Turn], since: dt.date, until: dt.date) -> Report:
    try:
        kb: Optional[KnowledgeBase] = KnowledgeBase()
    except StoreMissing:
        kb = None
    missed = [mask(t.text) for t in turns if unanswered(t)]
    jobs: Counter[str] = Counter()
    certifications: Counter[str] = Counter()
    for turn in turns:
        for record_id in set(turn.records):
            record = kb.get(record_id) if kb else None
            label = record.label if record else record_id
            if record_id.startswith("RNCP") or isinstance(record, Certification):
                certifications[label] += 1
            elif record is None or isinstance(record, Metier):
                jobs[label] += 1
    days: dict[dt.date, set[str]] = {}
    for turn in turns:
        days.setdefault(turn.day, set()).add(turn.conversation)
    per_day = []
    day = since
    while day <= until:
        per_day.append((day, len(days.get(day, ()))))
        day += dt.timedelta(days=1)
    return Report(since, until, len({t.conversation for t in turns}), len(turns), group_similar(missed),
                  len(missed), jobs.most_common(10), certifications.most_common(10), per_day)


def plot_svg(per_day: list[tuple[dt.date, int]]) -> str:
    """Conversations per day as an inline SVG bar chart (matplotlib, no external file)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 2.6), dpi=100)
    ax.bar([d.strftime("%d/%m") for d, _ in per_day], [n for _, n in per_day], color="#1d4e89")
    ax.set_ylabel("conversations")
    ax.spines[["top", "right"]].set_visible(False)
    ax.yaxis.get_major_locator().set_params(integer=True)
    if len(per_day) > 14:
        for i, label in enumerate(ax.get_xticklabels()):
            label.set_visible(i % max(1, len(per_day) // 10) == 0)
    fig.tight_layout()
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    plt.close(fig)
    svg = buffer.getvalue()
    return svg[svg.find("<svg"):]


TEMPLATE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Questions sans réponse</title>
<style>
body{font-family:system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}th{background:#f3f5f8}
.n{text-align:right;width:5rem}.muted{color:#555}details summary{cursor:pointer}
</style></head><body>
<h1>Questions sans réponse — du {{ r.since.strftime('%d/%m/%Y') }} au {{ r.until.strftime('%d/%m/%Y') }}</h1>
<p>{{ r.conversations }} conversation(s), {{ r.questions }} question(s) d'élèves, dont
<strong>{{ r.unanswered_count }}</strong> sans réponse (incompréhension ou métier inconnu de la base).
<span class="muted">Aucun identifiant d'élève n'apparaît ; e-mails et numéros sont masqués.</span></p>
<h2>Questions sans réponse, regroupées</h2>
{% if r.unanswered_groups %}<table><tr><th>Question (exemple)</th><th class="n">Nombre</th></tr>
{% for text, count, variants in r.unanswered_groups %}<tr><td>{{ text }}{% if variants|length > 1 %}
<details><summary class="muted">{{ variants|length }} formulations</summary><ul>{% for v in variants %}<li>{{ v }}</li>{% endfor %}</ul></details>{% endif %}</td>
<td class="n">{{ count }}</td></tr>{% endfor %}</table>{% else %}<p>Aucune question sans réponse sur la période.</p>{% endif %}
<h2>Métiers les plus demandés</h2>
{% if r.top_jobs %}<table><tr><th>Métier</th><th class="n">Questions</th></tr>{% for label, n in r.top_jobs %}<tr><td>{{ label }}</td><td class="n">{{ n }}</td></tr>{% endfor %}</table>{% else %}<p>Aucun.</p>{% endif %}
<h2>Certifications les plus demandées</h2>
{% if r.top_certifications %}<table><tr><th>Certification</th><th class="n">Questions</th></tr>{% for label, n in r.top_certifications %}<tr><td>{{ label }}</td><td class="n">{{ n }}</td></tr>{% endfor %}</table>{% else %}<p>Aucune.</p>{% endif %}
<h2>Conversations par jour</h2>
<figure role="img" aria-label="Conversations par jour">{{ svg|safe }}</figure>
</body></html>"""


def render(report: Report) -> str:
    return Environment(autoescape=True).from_string(TEMPLATE).render(r=report, svg=plot_svg(report.per_day))


def report_html(engine: sa.engine.Engine, days: int, today: Optional[dt.date] = None) -> str:
    today = today or dt.date.today()
    since = today - dt.timedelta(days=days - 1)
    turns = load_turns(engine, dt.datetime.combine(since, dt.time.min))
    return render(build_report(turns, since, today))


def report_html_for_store(store: Any, days: int) -> str:
    """The report for a running Rasa tracker store (SQL stores only)."""
    inner = getattr(store, "_tracker_store", None) or getattr(store, "inner_tracker_store", None) or store
    engine = getattr(inner, "engine", None)
    if engine is None:
        return "<p>Rapport indisponible : le tracker store n'est pas une base SQL.</p>"
    return report_html(engine, days)
