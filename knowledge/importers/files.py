"""What an import reads: a plain file, a folder, or a `.zip` archive read in place (no unpacked copy).

`members(path)` lists the files to read as `Member`s; `Member.open()` streams one (a zip member is
decompressed on the fly). Errors inside an archive name « archive.zip/member.xml ». Also here: the
export's edition read from its file names (« juin 2024 », « v460 »), CSV header keys that survive the
spellings of different years (« lien site onisep.fr » = `lien_site_onisepfr`), and a streamed CSV reader.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import unicodedata
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator, Optional, TextIO

from . import ImportFormatError

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
_IGNORED = re.compile(r"(^|/)(__MACOSX|\.)|\.(md|txt|pdf|html?|docx?|xlsx?|odt|ods|png|jpe?g)$", re.I)
_SNIFF = 65536


@dataclass(frozen=True)
class Member:
    """One file of an import: a plain file (`archive` None) or the member `name` of a zip `archive`."""

    name: str  # the member's name in the archive, or the file's name
    path: Path  # for messages: the file, or « archive.zip/member »
    archive: Optional[Path] = None

    @property
    def document(self) -> str:
        """The name a citation shows: the archive as distributed, else the file."""
        return (self.archive or self.path).name

    @property
    def basename(self) -> str:
        return self.name.rsplit("/", 1)[-1]

    @property
    def suffix(self) -> str:
        return Path(self.basename).suffix.lower()

    @contextmanager
    def open(self) -> Iterator[BinaryIO]:
        """The bytes of the file, streamed (a zip member is decompressed as it is read)."""
        if self.archive is None:
            with self.path.open("rb", buffering=_SNIFF) as handle:
                yield handle
            return
        with zipfile.ZipFile(self.archive) as archive, archive.open(self.name) as member:
            yield io.BufferedReader(member, buffer_size=_SNIFF)  # type: ignore[arg-type]

    @contextmanager
    def open_text(self) -> Iterator[TextIO]:
        """The text of the file: UTF-8 (with or without BOM), or Windows-1252 when it is not UTF-8."""
        with self.open() as buffered:
            head = buffered.peek(_SNIFF)[:_SNIFF]  # type: ignore[attr-defined]
            encoding = "utf-8-sig"
            try:
                codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
            except UnicodeDecodeError:
                encoding = "cp1252"
            yield io.TextIOWrapper(buffered, encoding=encoding, newline="")

    def head(self, size: int = 4096) -> bytes:
        with self.open() as raw:
            return raw.read(size)


def is_archive(path: Path) -> bool:
    return path.is_file() and zipfile.is_zipfile(path)


def members(path: Path | str) -> list[Member]:
    """The files of an import: the file itself, the files of a folder (sorted), or a zip's members."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and not _IGNORED.search(p.relative_to(path).as_posix()))
        return [Member(p.relative_to(path).as_posix(), p) for p in files]
    if path.suffix.lower() == ".zip" or is_archive(path):
        try:
            with zipfile.ZipFile(path) as archive:
                names = [i.filename for i in archive.infolist() if not i.is_dir()]
        except (zipfile.BadZipFile, OSError) as err:
            raise ImportFormatError(path, None, "", f"archive zip illisible : {err}") from None
        return [Member(n, path / n, path) for n in names if not _IGNORED.search(n)]
    if not path.exists():
        raise ImportFormatError(path, None, "", "fichier introuvable")
    return [Member(path.name, path)]


def only(path: Path | str, suffixes: Iterable[str], what: str) -> list[Member]:
    """The members of a folder or zip with one of `suffixes` (a plain file is read whatever its name);
    none raises `ImportFormatError` naming what was expected."""
    wanted = tuple(suffixes)
    found = members(path)
    if len(found) != 1 or found[0].archive is not None or Path(path).is_dir():
        found = [m for m in found if m.suffix in wanted]
    if not found:
        raise ImportFormatError(path, None, "", f"aucun fichier {what} ({', '.join(wanted)}) à importer ici")
    return found


# --- edition -----------------------------------------------------------------------------------


def _date(year: int, month: int) -> str:
    return f"{MONTHS[month - 1]} {year}" if 1990 <= year <= 2100 and 1 <= month <= 12 else ""


def edition(*names: str) -> str:
    """The export's date as a student reads it, from the first name that gives one: « juin 2024 ».

    Dates are read as YYYY-MM-DD, YYYY_MM_DD, DD-MM-YYYY, YYYYMMDD or DDMMYYYY; a ROME version
    (« _v460_ ») gives « v460 »."""
    for name in names:
        stem = name.rsplit("/", 1)[-1]
        for match in re.finditer(r"(?<!\d)(\d{4})[-_.](\d{2})[-_.](\d{2})(?!\d)", stem):
            if text := _date(int(match[1]), int(match[2])):
                return text
        for match in re.finditer(r"(?<!\d)(\d{2})[-_.](\d{2})[-_.](\d{4})(?!\d)", stem):
            if text := _date(int(match[3]), int(match[2])):
                return text
        for match in re.finditer(r"(?<!\d)(\d{8})(?!\d)", stem):
            digits = match[1]
            if digits[:2] in ("19", "20") and (text := _date(int(digits[:4]), int(digits[4:6]))):
                return text
            if text := _date(int(digits[4:]), int(digits[2:4])):
                return text
        if match := re.search(r"(?:^|[_\-.])v(\d{3,})(?=[_\-.]|$)", stem, re.I):
            return f"v{match[1]}"
    return ""


# --- CSV ---------------------------------------------------------------------------------------


def header_key(name: str) -> str:
    """A CSV header as a key that every year's spelling shares: « Lien site onisep.fr » → `lien_site_onisepfr`,
    « URL et ID Onisep » → `url_et_id_onisep`, « domaine/sous-domaine » → `domainesous_domaine`."""
    text = unicodedata.normalize("NFKD", name.replace("\ufeff", "")).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[./'’]", "", text)
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def clean(text: object) -> str:
    return re.sub(r"\s+", " ", str(text or "").replace("\u00a0", " ")).strip()


class CsvFile:
    """A streamed CSV: separator (`;`, `,` or tab) and header read from the first non-comment line.

    `columns` are the raw header names, `keys` their `header_key`s; `rows()` yields (line, {key: value}).
    Leading blank and `#` lines (synthetic files) are skipped; cells are cleaned of spaces."""

    def __init__(self, member: Member, handle: TextIO):
        self.member, self._handle = member, handle
        self.offset, header = 0, None
        for line in handle:
            if line.strip() and not line.lstrip("\ufeff").startswith("#"):
                header = line.lstrip("\ufeff")
                break
            self.offset += 1
        if header is None:
            raise ImportFormatError(member.path, None, "", "fichier vide : en-tête CSV attendu")
        counts = {d: header.count(d) for d in (";", ",", "\t")}
        self.delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
        self.columns = [clean(c) for c in next(csv.reader([header], delimiter=self.delimiter))]
        self.keys = [header_key(c) for c in self.columns]

    def has(self, *keys: str) -> bool:
        return all(k in self.keys for k in keys)

    def require(self, *keys: str) -> None:
        """Every key must be a column; the first missing one raises, named as the header spells it."""
        for key in keys:
            if key not in self.keys:
                raise ImportFormatError(self.member.path, self.offset + 1, key,
                                        f"colonne absente de l'en-tête CSV ({', '.join(self.columns)})")

    def require_one(self, *keys: str) -> None:
        """One of `keys` (the spellings of one column) must be a column; else the first is named."""
        if not any(k in self.keys for k in keys):
            raise ImportFormatError(self.member.path, self.offset + 1, keys[0],
                                    f"colonne absente de l'en-tête CSV ({', '.join(self.columns)})")

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        reader = csv.reader(self._handle, delimiter=self.delimiter)
        line = self.offset + 2
        try:
            for row in reader:
                if any(cell.strip() for cell in row):
                    yield line, {k: clean(v) for k, v in zip(self.keys, row)}
                line = self.offset + 1 + reader.line_num + 1
        except csv.Error as err:
            raise ImportFormatError(self.member.path, self.offset + 1 + reader.line_num, "",
                                    f"CSV mal formé : {err}") from None


@contextmanager
def open_csv(member: Member) -> Iterator[CsvFile]:
    with member.open_text() as handle:
        yield CsvFile(member, handle)


# --- JSON --------------------------------------------------------------------------------------

_CHUNK = 1 << 16
_SPACE = re.compile(r"\s*")


def json_objects(member: Member) -> Iterator[tuple[int, dict]]:
    """Stream (line, object) of a JSON file holding one list of objects, read by chunks.

    A `{"results": [...]}` wrapper (the Idéo API) is not expected: the file must be the list itself."""
    decoder = json.JSONDecoder()
    path = member.path
    with member.open_text() as handle:
        buf, pos, first_line, eof = "", 0, 1, False  # first_line: line number of buf[0]
        state = "["  # then "first" (object or "]"), "after" ("," or "]"), "value" (object)

        def read() -> None:
            nonlocal buf, pos, first_line, eof
            cut = buf.rfind("\n", 0, pos) + 1  # drop the consumed whole lines (columns stay right)
            if cut > _CHUNK:
                first_line, buf, pos = first_line + buf.count("\n", 0, cut), buf[cut:], pos - cut
            chunk = handle.read(_CHUNK)
            buf, eof = buf + chunk, not chunk

        def error(index: int, message: str) -> ImportFormatError:
            return ImportFormatError(path, first_line + buf.count("\n", 0, index), "", f"JSON invalide : {message}")

        while True:
            pos = _SPACE.match(buf, pos).end()  # type: ignore[union-attr]
            if pos == len(buf) and not eof:
                read()
                continue
            char = buf[pos:pos + 1]
            if state == "[":
                if char != "[":
                    raise error(pos, "une liste d'objets est attendue")
                state, pos = "first", pos + 1
            elif char == "]" and state in ("first", "after"):
                return
            elif state == "after":
                if char != ",":
                    raise error(pos, "« , » ou « ] » attendu")
                state, pos = "value", pos + 1
            else:
                try:
                    value, end = decoder.raw_decode(buf, pos)
                except json.JSONDecodeError as err:
                    if not eof:  # the object may be cut by the end of the chunk
                        read()
                        continue
                    raise error(err.pos, f"{err.msg} (colonne {err.colno})") from None
                if not isinstance(value, dict):
                    raise error(pos, "un objet est attendu dans la liste")
                yield first_line + buf.count("\n", 0, pos), value
                state, pos = "after", end
