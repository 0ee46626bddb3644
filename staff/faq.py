"""The staff FAQ file: a CSV edited in a spreadsheet, read line by line, compared leniently.

Columns: `question`, `attendu` (items separated by `|`, all required), `interdit` (items that must not appear)
and optional `conversation` (rows sharing an id are played in order in one conversation). A row checks
`attendu`, `interdit` or both: a row with only `interdit` (« chef de publicité » must not get « pas compris »)
is a check of its own. Separator `;` or `,`, UTF-8 with or without BOM. Comparison ignores case, accents and
all white space.

A malformed row (no question, too many cells, nothing to check, an unreadable conversation id, a broken
quote) is set aside with its line and the reason (`FaqFile.problems`): the other rows are still played.
Only a file that cannot be read at all (not UTF-8, empty, no « question » column…) is a `FaqError`.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional


REQUIRED = ("question",)
CHECKS = ("attendu", "interdit")  # at least one of them as a column, at least one filled on each row
OPTIONAL = ("conversation",)
CONVERSATION_MAX = 64  # characters of a conversation id; longer is another column's text slipped in


class FaqError(Exception):
    """A FAQ file that cannot be played at all: names the file, the column or the line."""


@dataclass
class FaqRow:
    line: int
    question: str
    expected: list[str]
    forbidden: list[str] = field(default_factory=list)
    conversation: str = ""


@dataclass
class FaqProblem:
    """A row set aside: its line in the file, why (in French, for the staff) and its question if it has one."""

    line: int
    reason: str
    question: str = ""


@dataclass
class FaqFile:
    rows: list[FaqRow]
    problems: list[FaqProblem] = field(default_factory=list)


def squash(text: str) -> str:
    """Case-, accent- and white-space-free form: « Bac + 5 » → « bac+5 » (symbols such as « € » kept)."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", "", bare.casefold())


def _items(cell: str) -> list[str]:
    return [item.strip() for item in (cell or "").split("|") if item.strip()]


def _physical_lines(raw: str) -> list[str]:
    """The file's lines with their ends (only \\n, \\r\\n and \\r end a line, as for the csv module)."""
    return re.findall(r"[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+$", raw)


def _records(lines: list[str], delimiter: str) -> Iterator[tuple[int, Optional[list[str]], str]]:
    """(line number, cells, "") for each record, or (line number, None, reason) for one the csv module cannot
    read; after such a line, or a quote left open that swallowed the next lines, reading starts again on the
    following line, so that one broken line costs one line."""
    start = 0
    while start < len(lines):
        reader = csv.reader(iter(lines[start:]), delimiter=delimiter, strict=True)
        while True:
            first = start + reader.line_num  # index of the record's first line
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield first + 1, None, _csv_reason(str(error))
                start = first + 1
                break
            spanned = start + reader.line_num - first
            if spanned > 1 and any(("\n" in c or "\r" in c) and delimiter in c for c in cells):
                yield first + 1, None, ("guillemet ouvert et jamais refermé : la cellule avale les lignes "
                                        "suivantes (refermer le guillemet ou l'enlever)")
                start = first + 1
                break
            if cells:
                yield first + 1, cells, ""


def _csv_reason(message: str) -> str:
    if "end of data" in message or "EOF" in message:
        return "guillemet ouvert et jamais refermé (refermer le guillemet ou l'enlever)"
    if "expected after" in message:
        return "guillemet mal placé ou jamais refermé (un guillemet dans le texte s'écrit deux fois : \"\")"
    if "NUL" in message:
        return "caractère nul dans la ligne (fichier abîmé ?)"
    if "field larger" in message:
        return "cellule beaucoup trop longue"
    return f"ligne illisible ({message})"


def _conversation_problem(value: str) -> str:
    if "\n" in value or "\r" in value:
        return "identifiant de conversation sur plusieurs lignes"
    if "|" in value:
        return (f"identifiant de conversation « {value} » illisible : une ligne appartient à une seule "
                "conversation (pas de « | »)")
    if len(value) > CONVERSATION_MAX:
        return (f"identifiant de conversation trop long ({len(value)} caractères, {CONVERSATION_MAX} au plus) : "
                "une autre colonne s'y est-elle glissée ?")
    return ""


def _row(line: int, cells: list[str], header: list[str], delimiter: str) -> FaqRow | FaqProblem:
    data = dict(zip(header, cells + [""] * (len(header) - len(cells))))
    question = (data.get("question") or "").strip()
    if len(cells) > len(header):
        return FaqProblem(line, f"{len(cells)} cellules pour {len(header)} colonnes (séparateur « {delimiter} » "
                                "dans une cellule non entre guillemets ?)", question)
    if not question:
        return FaqProblem(line, "colonne « question » vide")
    conversation = (data.get("conversation") or "").strip()
    reason = _conversation_problem(conversation)
    if reason:
        return FaqProblem(line, reason, question)
    expected, forbidden = _items(data.get("attendu", "")), _items(data.get("interdit", ""))
    if not expected and not forbidden:
        columns = [f"« {name} »" for name in CHECKS if name in header]
        reason = ("rien à vérifier : " + (" et ".join(columns) + " sont vides (en remplir au moins une)"
                                          if len(columns) > 1 else f"{columns[0]} est vide"))
        if conversation:
            reason += f" ; les autres lignes de la conversation « {conversation} » sont jouées sans elle"
        return FaqProblem(line, reason, question)
    return FaqRow(line, question, expected, forbidden, conversation)


def load_faq(path: Path) -> FaqFile:
    """The playable rows and the rows set aside (line, reason). FaqError only if nothing can be read."""
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FaqError(f"{path.name} n'est pas en UTF-8 (octet {error.start}) : l'enregistrer en « CSV UTF-8 »") \
            from None
    except OSError as error:
        raise FaqError(f"{path} illisible : {error.strerror}") from None
    lines = _physical_lines(raw)
    first = next((line for line in lines if line.strip()), "")
    if not first:
        raise FaqError(f"{path.name} est vide")
    delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ","
    records = _records(lines, delimiter)
    line, cells, reason = next(records, (0, None, "pas d'en-tête"))
    if cells is None:
        raise FaqError(f"{path.name}, ligne {line} : en-tête illisible ({reason})")
    header = [h.strip().lower() for h in cells]
    for name in REQUIRED:
        if name not in header:
            raise FaqError(f"{path.name} : colonne « {name} » absente (colonnes lues : {', '.join(header)})")
    if not any(name in header for name in CHECKS):
        raise FaqError(f"{path.name} : colonne « attendu » absente, et pas de colonne « interdit » non plus "
                       f"(colonnes lues : {', '.join(header)})")
    faq = FaqFile([])
    for line, cells, reason in records:
        if cells is None:
            faq.problems.append(FaqProblem(line, reason))
        elif any(c.strip() for c in cells):
            row = _row(line, cells, header, delimiter)
            (faq.problems if isinstance(row, FaqProblem) else faq.rows).append(row)  # type: ignore[arg-type]
    if not faq.rows and not faq.problems:
        raise FaqError(f"{path.name} ne contient aucune question")
    return faq


def read_faq(path: Path) -> list[FaqRow]:
    """The rows of a file without any malformed row: the first one, if any, is a FaqError naming its line."""
    faq = load_faq(path)
    if faq.problems:
        problem = faq.problems[0]
        raise FaqError(f"{path.name}, ligne {problem.line} : {problem.reason}")
    return faq.rows


@dataclass
class Verdict:
    passed: bool
    missing: list[str]
    present_forbidden: list[str]


def judge(row: FaqRow, answer: str) -> Verdict:
    """The answer (its texts and button titles) against the row's expected and forbidden items: a row with
    forbidden items only passes when none of them appears."""
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
