"""Importers for the national open-data catalogues (ONISEP Idéo, France Compétences RNCP, ROME).

Every importer module (`kinds.MODULES`: onisep_metiers, onisep_formations, rome_csv, rncp_xml, rncp_csv)
exposes

    iter_records(path: Path, include_inactive: bool = False) -> Iterator[Record | Skip]

`path` is a file, a folder or a `.zip` as distributed (members streamed in place, never unpacked: see
`files`). It streams the file (never loads a large file whole), yields domain records (knowledge.model) and
`Skip` items for entries it leaves out with a reason, and raises `ImportFormatError(path, line, element,
message)` on a malformed file. Records carry `SourceRef(publisher, document=the archive or file name,
reference, licence, edition)`: « Onisep » / « fiche MET.45 » / « ODbL » / « juin 2024 », « France
Compétences » / « RNCP35746 » / « Licence Ouverte 2.0 », « France Travail » / « ROME 4.0, fiche E1103 » /
« Licence Ouverte 2.0 » / « v460 ».

`kinds.detect(path)` names the kind of an export from its content.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..parsers.errors import ParseError


@dataclass(frozen=True)
class Skip:
    """An entry of the file that is not imported, and why (« fiche inactive », « identifiant absent »)."""

    reason: str
    id: str = ""


class ImportFormatError(ParseError):
    """A malformed import file: names the file, the line and the element."""

    def __init__(self, path: Path | str, line: int | None, element: str, message: str):
        self.element = element
        super().__init__(path, line, f"<{element}> : {message}" if element else message)

