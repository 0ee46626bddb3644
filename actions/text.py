"""Long texts of the national fiches cut to a phone's screen: sections, first sentences, a hard limit.

The importers give the ONISEP texts as plain lines (one per paragraph, list item or heading, HTML removed).
A line with no closing punctuation followed by a paragraph is a section heading (« Transmettre une
information »); `excerpt` keeps every heading it can, each with the first sentence of its section, until
the budget is spent; a text without headings gives its first sentences. Nothing is rephrased: only cut."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ELLIPSIS = "…"
_END = ".!?…:;»)\"”"
_SENTENCE = re.compile(r"(?<=[.!?…])\s+(?=[«\"A-ZÀ-ÖØ-Þ0-9])")
# Words after which « Titre : Le journaliste… » reads better as « Titre : le journaliste… ».
_LOWER_AFTER_COLON = frozenset(
    "le la les l un une des du de d il elle ils elles on ce cette ces cet c au aux en dans pour par selon "
    "son sa ses leur leurs sur avec entre chaque tout toute tous toutes quel quelle quels quelles".split())


@dataclass
class Section:
    heading: str = ""
    lines: list[str] = field(default_factory=list)


def clean(text: str) -> str:
    """White space collapsed on each line, empty lines dropped."""
    lines = (re.sub(r"\s+", " ", line).strip() for line in (text or "").splitlines())
    return "\n".join(line for line in lines if line)


def _is_heading(line: str, following: str) -> bool:
    return (len(line) <= 80 and line[-1] not in _END and not line.startswith(("•", "-"))
            and bool(following) and following[-1] in _END and len(following) > len(line))


def sections(text: str) -> list[Section]:
    """The text's sections: heading lines (short, unpunctuated, before a paragraph) and their lines."""
    lines = clean(text).split("\n") if clean(text) else []
    out: list[Section] = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if _is_heading(line, following):
            out.append(Section(line))
        else:
            if not out:
                out.append(Section())
            out[-1].lines.append(line)
    return [s for s in out if s.heading or s.lines]


def sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(paragraph) if s.strip()]


def cut(text: str, limit: int) -> str:
    """`text` if it fits in `limit` characters, else cut at a word and ended by « … »."""
    text = text.strip()
    if len(text) <= limit:
        return text
    head = text[: max(limit - 1, 0)]
    if " " in head:
        head = head[: head.rindex(" ")]
    return head.rstrip(" ,;:-–—(") + ELLIPSIS


def _after_colon(sentence: str) -> str:
    first = re.split(r"[\s'’]", sentence, maxsplit=1)[0]
    if first.lower() in _LOWER_AFTER_COLON and first[:1].isupper() and (len(first) == 1 or first[1:].islower()):
        return sentence[0].lower() + sentence[1:]
    return sentence


def first_sentences(text: str, limit: int) -> str:
    """The first whole sentences of `text` that fit in `limit` (at least a cut first one)."""
    out = ""
    for sentence in (s for line in clean(text).split("\n") for s in sentences(line)):
        candidate = f"{out} {sentence}".strip()
        if len(candidate) > limit:
            break
        out = candidate
    return out or cut(clean(text).replace("\n", " "), limit)


def brief(text: str, limit: int) -> str:
    """The first whole sentences of `text` that fit in `limit`, « […] » marking what is left out."""
    text = clean(text)
    if len(text) <= limit:
        return text
    return first_sentences(text, limit - 4).rstrip(ELLIPSIS) + " […]"


def excerpt(text: str, limit: int) -> str:
    """What fits of `text` in `limit` characters: each section's heading and its first sentence as a
    « • » line, or, without headings, the first sentences. Empty when the text is."""
    found = sections(text)
    if not any(s.heading for s in found):
        return first_sentences(text, limit) if found else ""
    items = []
    for section in found:
        if not section.heading:
            lead = first_sentences(" ".join(section.lines), limit // 2)
            items.append(lead)
            continue
        first = sentences(section.lines[0])[0] if section.lines else ""
        items.append(f"{section.heading} : {_after_colon(first)}" if first else section.heading)
    lines = [f"• {item}" for item in items]
    if len("\n".join(lines)) <= limit:
        return "\n".join(lines)
    # Every section with the start of its first sentence, if each can keep a readable part of it.
    firsts = [sentences(s.lines[0])[0] if s.heading and s.lines else "" for s in found]
    fixed = sum(len(s.heading) + 6 if s.heading else 0 for s in found)
    share = (limit - fixed) // max(1, len(found))
    if share >= 70 and all(s.heading for s in found):
        return "\n".join(f"• {s.heading} : {_after_colon(cut(first, share))}" if first else f"• {s.heading}"
                         for s, first in zip(found, firsts))
    # Too long: whole lines while the later headings still fit, then headings only, then as many as fit.
    out: list[str] = []
    short_from = len(items)
    for index, (item, section) in enumerate(zip(items, found)):
        later = sum(len(s.heading) + 3 for s in found[index + 1:] if s.heading)
        if index < short_from and len("\n".join(out + [f"• {item}"])) + later <= limit:
            out.append(f"• {item}")
            continue
        short_from = min(short_from, index)
        line = f"• {section.heading}" if section.heading else f"• {cut(item, 80)}"
        if len("\n".join(out + [line])) > limit:
            break
        out.append(line)
    return "\n".join(out) if out else cut(lines[0], limit)


def quantity(number: int, noun: str, plural: str = "") -> str:
    """« 1 secteur », « 2 255 formations » (thousands split by a no-break space, as French writes them)."""
    digits = f"{number:,}".replace(",", "\u00a0")
    return f"{digits} {noun if number == 1 else plural or noun + 's'}"
