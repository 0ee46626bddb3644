"""Progress bars that suit where they are shown.

On a terminal, a tqdm bar animated as usual. In a log, a pipe or CI (stderr is not a terminal): nothing for
the first LOG_INTERVAL seconds, then one plain line (no carriage return) at most every LOG_INTERVAL seconds
and a last one when the work ends — so a short task prints only its own summary, and a long import a few
lines instead of hundreds of updates.
"""

from __future__ import annotations

import sys
from typing import IO, Any

LOG_INTERVAL = 30.0  # seconds between two progress lines in a log


class LineWriter:
    """A file for tqdm in a log: each refresh of the bar becomes one line."""

    def __init__(self, stream: IO[str]):
        self.stream = stream

    @property
    def encoding(self) -> str:
        return getattr(self.stream, "encoding", None) or "utf-8"

    def write(self, text: str) -> None:
        for part in text.split("\r"):  # tqdm writes "\r" + the bar (+ spaces over the previous one), "\n" at the end
            line = part.strip()
            if line:
                self.stream.write(line + "\n")

    def flush(self) -> None:
        self.stream.flush()


def is_terminal(stream: IO[str]) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # closed
        return False


def bar_options(stream: IO[str] | None = None) -> dict[str, Any]:
    """tqdm arguments for a bar written to `stream` (stderr by default)."""
    stream = sys.stderr if stream is None else stream
    if is_terminal(stream):
        return {"file": stream}
    return {"file": LineWriter(stream), "mininterval": LOG_INTERVAL, "maxinterval": 2 * LOG_INTERVAL,
            "delay": LOG_INTERVAL}


def progress_bar(**kwargs: Any):
    """A tqdm bar on stderr (see the module docstring); the keyword arguments are tqdm's."""
    from tqdm import tqdm

    return tqdm(**{**bar_options(kwargs.pop("file", None)), **kwargs})
