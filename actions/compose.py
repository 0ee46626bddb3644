"""Channel-neutral answers: text (paragraphs, « • » lists), buttons, and the record they come from."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Iterable, Optional

from knowledge.conversation import Outcome
from knowledge.grammar import feminize
from knowledge.model import Metier, Record

MONTHS = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()


@dataclass
class Answer:
    text: str
    buttons: list[dict] = field(default_factory=list)
    record_id: str = ""  # the knowledge record the answer is built from
    source: str = ""  # « Source : Onisep, fiche MET.650 »
    kind: str = "answer"  # one of knowledge.conversation.KINDS

    def message(self) -> dict:
        """The dispatcher kwargs: text with its source line, buttons, and the answer's outcome.

        Paragraphs are joined by single line breaks: Rasa's output channels cut a text at blank lines
        into several messages, and the source must stay with its answer. The outcome's keys become
        the bot event's metadata in the tracker store (read by the staff reports), not sent to users."""
        text = self.text.replace("\n\n", "\n") + (f"\n{self.source}" if self.source else "")
        return {"text": text, "buttons": self.buttons or None,
                **Outcome(self.kind, self.record_id, self.source).metadata()}


def bullets(items: Iterable[str]) -> str:
    """One « • » line per item; a lead-in line ending with « : » stays a plain line."""
    return "\n".join(item if item.rstrip().endswith(":") else f"• {item}" for item in items)


def join_fr(items: list[str]) -> str:
    """« a, b et c »."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


def sentence(text: str) -> str:
    """Capitalise the first letter and end with a full stop."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?…" else text + "."


def date_fr(iso: str) -> str:
    """« 2023-07-08 » → « 8 juillet 2023 »."""
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"


def job_title(record: Metier, gender: str = "") -> str:
    """The job's title in the user's gender (the source's form, else a regular feminine)."""
    if gender == "f":
        return record.appellation.feminin or feminize(record.appellation.masculin)
    return record.appellation.masculin or record.appellation.feminin


def title_of(record: Record, gender: str = "") -> str:
    return job_title(record, gender) if isinstance(record, Metier) else record.label


def choice_payload(record_id: str) -> str:
    return "/choose_option" + json.dumps({"choice": record_id}, ensure_ascii=False)


def choice_buttons(records: list[Record], gender: str = "") -> list[dict]:
    return [{"title": title_of(r, gender)[:64], "payload": choice_payload(r.id)} for r in records]


def citation(record: Record) -> str:
    """« Source : Onisep, fiche MET.650 », plus the imported files that completed the record, if any."""
    extra = sorted({c for c in record.provenance.values() if c})
    if not extra:
        return record.source.citation()
    return "Sources : " + " ; ".join([record.source.citation().removeprefix("Source : "), *extra])


def answer(record: Record, text: str, kind: str = "answer") -> Answer:
    return Answer(text=text, record_id=record.id, source=citation(record), kind=kind)


def combined(*answers: Answer) -> Answer:
    """Several facts about one record in one answer; a fact the base lacks is said only if all are lacking."""
    found = [a for a in answers if a.kind == "answer"]
    if not found:
        return answers[0]
    return Answer(text="\n\n".join(a.text for a in found), record_id=found[0].record_id, source=found[0].source)


def missing(record: Record, what: str, name: Optional[str] = None) -> Answer:
    """Say plainly that the base lacks a fact: never fill it in."""
    name = name or record.label
    return Answer(
        text=f"Ma base ne contient pas {what} pour {name}. Je préfère ne rien inventer : "
        "un conseiller d'orientation pourra t'aider sur ce point.",
        record_id=record.id,
        source=citation(record),
        kind="missing",
    )
