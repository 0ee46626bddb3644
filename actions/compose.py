"""Channel-neutral answers: text (paragraphs, « • » lists), buttons, and the record they come from."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass, field
from typing import Iterable, Optional

from knowledge.conversation import Outcome
from knowledge.grammar import feminize
from knowledge.model import CentreInteret, Certification, CodeRome, Formation, Metier, Record, Secteur
from knowledge.normalize import fold

MONTHS = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
PHONE = 700  # characters of one message that still read well on a phone
PREFIXES = ("Sources : ", "Source : ")
# The bot message's metadata key (beside the outcome's) naming the question answered: the next turn reads it
# back from the tracker's events (« non, je parlais du titre 360 » asks it again about that record).
QUESTION_KEY = "answer_question"


@dataclass
class Answer:
    text: str
    buttons: list[dict] = field(default_factory=list)
    record_id: str = ""  # the knowledge record the answer is built from
    source: str = ""  # « Source : Onisep, fiche MET.650 »
    kind: str = "answer"  # one of knowledge.conversation.KINDS
    link: str = ""  # the public page of the record (the ONISEP fiche), shown before the source
    more: Optional[int] = None  # a list was cut: where the next page starts (« voir plus »)
    options: list[str] = field(default_factory=list)  # ids of the records listed, offered as buttons
    second: str = ""  # the rest of an answer too long for one phone screen: a second message
    first_source: str = ""  # the first message's own source line, when it uses fewer sources than the second
    question: str = ""  # the kind of question answered (an intent): what a correction asks again

    def message(self) -> dict:
        """The dispatcher kwargs: text with its source line, buttons, and the answer's outcome.

        Paragraphs are joined by single line breaks: Rasa's output channels cut a text at blank lines
        into several messages, and the source must stay with its answer. The outcome's keys become
        the bot event's metadata in the tracker store (read by the staff reports), not sent to users."""
        text = (self.text.replace("\n\n", "\n") + (f"\nEn savoir plus : {self.link}" if self.link else "")
                + (f"\n{self.source}" if self.source else ""))
        return {"text": text, "buttons": self.buttons or None,
                **Outcome(self.kind, self.record_id, self.source).metadata(),
                **({QUESTION_KEY: self.question} if self.question else {})}

    def messages(self) -> list[dict]:
        """One message, or two when the answer has a `second` part: each with the source, the link and the
        buttons with the last one."""
        if not self.second:
            return [self.message()]
        first = Answer(self.text, record_id=self.record_id, source=self.first_source or self.source, kind=self.kind,
                       question=self.question)
        rest = Answer(self.second, self.buttons, self.record_id, self.source, self.kind, self.link,
                      question=self.question)
        return [first.message(), rest.message()]

    def footer(self) -> int:
        """Characters the link and source lines add to a message."""
        return (len(self.link) + 18 if self.link else 0) + (len(self.source) + 1 if self.source else 0)

    def fit(self, head: str, tail: str, head_source: str = "") -> "Answer":
        """`head` and `tail` in one message if they fit on a phone screen, else `tail` as a second message
        (`head_source`: the sources of the head alone, for the first message)."""
        if not tail:
            self.text = head
        elif len(head) + 1 + len(tail) + self.footer() <= PHONE:
            self.text = f"{head}\n{tail}"
        else:
            self.text, self.second, self.first_source = head, tail, head_source
        return self


def bullets(items: Iterable[str]) -> str:
    """One « • » line per item; a lead-in line ending with « : » stays a plain line."""
    return "\n".join(item if item.rstrip().endswith(":") else f"• {item}" for item in items)


def join_fr(items: list[str]) -> str:
    """« a, b et c »."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


def of(name: str) -> str:
    """« de directeur », « d'infirmière », « d'hôtesse de l'air »: the preposition elided before a vowel."""
    return f"d'{name}" if re.match(r"(?i)[aeiouyàâäéèêëîïôöûüh]", name) else f"de {name}"


def capitalized(text: str) -> str:
    """« journaliste » → « Journaliste »."""
    return text[:1].upper() + text[1:]


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


def page(items: list, start: int, size: int) -> tuple[list, Optional[int]]:
    """The items of the page starting at `start`, and where the next page starts (None: no more)."""
    shown = items[start:start + size]
    return shown, (start + size if start + size < len(items) else None)


def study_level(level: str) -> str:
    """A level as a sentence reads it: « Bac + 5 » → « bac + 5 », « 3E » → « 3e », « CAP » as is."""
    level = (level or "").strip()
    if level.upper() == "3E":
        return "3e"
    if re.match(r"(?i)bac\b", level):
        return "bac" + level[3:]
    if level[:1].isupper() and level[1:2].islower():
        return level[0].lower() + level[1:]
    return level


def job_title(record: Metier, gender: str = "") -> str:
    """The job's title in the user's gender (the source's form, else a regular feminine)."""
    if gender == "f":
        return record.appellation.feminin or feminize(record.appellation.masculin)
    return record.appellation.masculin or record.appellation.feminin


def title_of(record: Record, gender: str = "") -> str:
    return job_title(record, gender) if isinstance(record, Metier) else record.label


def choice_payload(record_id: str) -> str:
    return "/choose_option" + json.dumps({"choice": record_id}, ensure_ascii=False)


BUTTON_TITLE = 64  # characters of a button that still read well on a phone


def short_title(title: str, others: list[str], limit: int = BUTTON_TITLE) -> str:
    """`title` within `limit` characters, still told apart from `others`: cut at the end, or, when the titles
    differ only past the cut (« BTS … option A … » / « … option B … »), its start and the words that differ."""
    if len(title) <= limit:
        return title
    common = max((len(os.path.commonprefix([title, o])) for o in others if o != title), default=0)
    if common < limit - 12:
        return title[:limit - 1].rstrip(" ,;") + "…"
    start = title.rfind(" ", 0, title.rfind(" ", 0, common)) + 1  # from the word before the difference
    tail = title[start:]
    if len(tail) > limit - 12:
        tail = tail[:limit - 13].rstrip(" ,;") + "…"
    head = title[:limit - len(tail) - 3].rsplit(" ", 1)[0].rstrip(" ,;")
    return f"{head} … {tail}"


KINDS_SAID = {Metier.TYPE: "métier", Certification.TYPE: "certification", Formation.TYPE: "formation",
              Secteur.TYPE: "secteur", CentreInteret.TYPE: "centre d'intérêt", CodeRome.TYPE: "code ROME"}


def choice_buttons(records: list[Record], gender: str = "") -> list[dict]:
    """One button per record; records of different kinds with the same title say their kind (« directeur
    artistique (métier) », « Directeur artistique (formation) »)."""
    titles = [title_of(r, gender) for r in records]
    plain = [fold(title_of(r)) for r in records]  # a job's title compared in one gender
    kinds = [{other.type for other, said in zip(records, plain) if said == own} for own in plain]
    titles = [f"{t} ({KINDS_SAID.get(r.type, r.type)})" if len(k) > 1 else t for t, r, k in zip(titles, records, kinds)]
    return [{"title": short_title(t, titles), "payload": choice_payload(r.id)} for t, r in zip(titles, records)]


def citation(record: Record) -> str:
    """« Source : Onisep, fiche MET.650 », plus the imported files that completed the record, if any."""
    extra = sorted({_bare(c) for c in record.provenance.values() if c})
    if not extra:
        return record.source.citation()
    return sources_line([_bare(record.source.citation()), *extra])


def _bare(citation_text: str) -> str:
    for prefix in PREFIXES:
        citation_text = citation_text.removeprefix(prefix)
    return citation_text.strip()


def cited(record: Record, fields: Iterable[str]) -> list[str]:
    """The sources of the facts `fields` of `record` (without « Source : »), its own source first: a field
    a merged copy filled names that copy's source (`record.provenance`)."""
    main = _bare(record.source.citation())
    found = [_bare(record.provenance.get(f) or "") or main for f in fields]
    return sorted(set(found), key=lambda c: (c != main, found.index(c)))


def edition(record: Record, field_name: str) -> str:
    """The export edition (« juin 2024 ») of the source that gave `field_name`; "" for the school's documents."""
    given = record.provenance.get(field_name)
    if not given:
        return record.source.edition
    found = re.search(r"\(([^()]*\d{4})\)\s*$", given)
    return found.group(1) if found else ""


_SHEET = re.compile(r"^(?P<head>.*?)(?P<kind>\S+) (?P<id>[A-Z]{2,}\.\d+)(?P<tail> \([^()]*\))?$")


def _grouped(citations: list[str]) -> list[str]:
    """Sheets of one export named once: « Onisep, fiche MET.1 (juin 2024) » and « Onisep, fiche MET.2 (juin 2024) »
    → « Onisep, fiches MET.1, MET.2 (juin 2024) »."""
    groups: dict[tuple, list[str]] = {}
    order: list[object] = []
    for item in citations:
        found = _SHEET.match(item)
        key = (found["head"], found["kind"], found["tail"] or "") if found else item
        if key not in groups:
            groups[key] = []
            order.append(key)
        if found:
            groups[key].append(found["id"])
    out = []
    for key in order:
        if isinstance(key, str):
            out.append(key)
            continue
        head, kind, tail = key
        ids = groups[key]
        out.append(f"{head}{kind if len(ids) == 1 else kind + 's'} {', '.join(ids)}{tail}")
    return out


def sources_line(citations: Iterable[str]) -> str:
    """« Source : a » or « Sources : a ; b », each source once, in order; sheets of one export grouped."""
    unique = _grouped(list(dict.fromkeys(c for c in citations if c)))
    if not unique:
        return ""
    return ("Source : " if len(unique) == 1 else "Sources : ") + " ; ".join(unique)


def answer(record: Record, text: str, kind: str = "answer", fields: Optional[Iterable[str]] = None,
           also: Iterable[tuple[Record, Iterable[str]]] = ()) -> Answer:
    """An answer about `record`. With `fields`, it cites the sources of those facts only (and of the facts
    `also` took from other records), and links the record's page when that page comes from one of them."""
    if fields is None:
        return Answer(text=text, record_id=record.id, source=citation(record), kind=kind)
    fields = list(fields)
    citations = cited(record, fields)
    for other, other_fields in also:
        citations += cited(other, other_fields)
    url = getattr(record, "url", "")
    link = url if url and cited(record, ["url"])[0] in citations else ""
    return Answer(text=text, record_id=record.id, source=sources_line(citations), kind=kind, link=link)


def combined(*answers: Answer) -> Answer:
    """Several facts about one record in one answer; a fact the base lacks is said only if all are lacking."""
    found = [a for a in answers if a.kind == "answer"]
    if not found:
        return answers[0]
    source = sources_line(_bare(c) for a in found for c in a.source.split(" ; "))
    return Answer(text="\n\n".join(a.text for a in found), record_id=found[0].record_id, source=source,
                  link=next((a.link for a in found if a.link), ""))


def missing(record: Record, what: str, name: Optional[str] = None) -> Answer:
    """Say plainly that the base lacks a fact: never fill it in."""
    name = name or record.label
    return Answer(
        text=f"Ma base ne contient pas {what} pour {name}. Je préfère ne rien inventer : "
        "un conseiller d'orientation pourra t'aider sur ce point.",
        record_id=record.id,
        source=citation(record),
        kind="missing",
        link=getattr(record, "url", ""),
    )
