"""The error every parser raises on a layout it does not expect."""

from __future__ import annotations

from pathlib import Path


class ParseError(Exception):
    """An unexpected layout, reported with its file and line (1-based)."""

    def __init__(self, path: Path | str, line: int | None, message: str):
        self.path = Path(path)
        self.line = line
        self.message = message
        where = f"{self.path.name}:{line}" if line else self.path.name
        super().__init__(f"{where}: {message}")
