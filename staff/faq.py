"""The staff FAQ file: a CSV edited in a spreadsheet, read strictly, compared leniently.

Columns: `question`, `attendu` (items separated by `|`, all required), optional `interdit` (items that
must not appear) and `conversation` (rows sharing an id are played in order in one conversation).
Separator `;` or `,`, UTF-8 with or without BOM. Comparison ignores case, accents and all white space.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path


REQUIRED = ("question", "attendu")
OPTIONAL = ("interdit", "conversation")


class FaqError(Exception):
    """A FAQ file that cannot be played: names the column or the line."""


@dataclass
class FaqRow:
    line: int
    question: str
    expected: list[str]
    forbidden: list[str] = field(default_factory=list)
    conversation: str = ""


def squash(text: str) -> str:
    """Case-, accent- and white-space-free form: « Bac + 5 » → « bac+5 » (symbols such as « € » kept)."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", "", bare.casefold())


def _items(cell: str) -> list[str]:
    return [item.strip() for item in (cell or "").split("|") if item.strip()]


def read_faq(path: Path) -> list[FaqRow]:
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FaqError(f"{path.name} n'est pas en UTF-8 (octet {error.start})") from None
    except OSError as error:
        raise FaqError(f"{path} illisible : {error.strerror}") from None
    first = raw.splitlines()[0] if raw.strip() else ""
    if not first:
        raise FaqError(f"{path.name} est vide")
    delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ","
    reader = csv.reader(io.StringIO(raw), delimiter=delimiter, strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
        for name in REQUIRED:
            if name not in header:
                raise FaqError(f"{path.name} : colonne « {name} » absente (colonnes lues : {', '.join(header)})")
        rows: list[FaqRow] = []
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(header):
                raise FaqError(f"{path.name}, ligne {line} : {len(cells)} cellules pour {len(header)} colonnes "
                               f"(séparateur « {delimiter} » dans une cellule non entre guillemets ?)")
            data = dict(zip(header, cells + [""] * (len(header) - len(cells))))
            if not data["question"].strip():
                raise FaqError(f"{path.name}, ligne {line} : colonne « question » vide")
            expected = _items(data["attendu"])
            if not expected:
                raise FaqError(f"{path.name}, ligne {line} : colonne « attendu » vide")
            rows.append(FaqRow(line, data["question"].strip(), expected, _items(data.get("interdit", "")),
                               (data.get("conversation") or "").strip()))
    except csv.Error as error:
        raise FaqError(f"{path.name}, ligne {reader.line_num} : ligne illisible ({error})") from None
    if not rows:
        raise FaqError(f"{path.name} ne contient aucune question")
    return rows


@dataclass
class Verdict:
    passed: bool
    missing: list[str]
    present_forbidden: list[str]


def judge(row: FaqRow, answer: str) -> Verdict:
    """The answer (its texts and button titles) against the row's expected and forbidden items."""
    flat = squash(answer)
    missing = [item for item in row.expected if squash(item) not in flat]
    forbidden = [item for item in row.forbidden if squash(item) in flat]
    return Verdict(not missing and not forbidden, missing, forbidden)


def conversations(rows: list[FaqRow]) -> list[list[FaqRow]]:
    """Rows grouped into conversations, in file order: a shared id plays in one, others alone."""
    groups: dict[str, list[FaqRow]] = {}
    order: list[list[FaqRow]] = []
    for row in rows:
        if row.conversation:
            if row.conversation not in groups:
                groups[row.conversation] = []
                order.append(groups[row.conversation])
            groups[row.conversation].append(row)
        else:
            order.append([row])
    return order
