"""How conversations are recorded, declared once for who writes them and who reads them.

- The outcome of each answer (what kind of answer, which record, which source) travels in the bot
  message's metadata: the actions write it, the staff reports and console read it from the tracker store.
- Our own tools (stack start-up ping, load test, latency, scale-out test) talk to the assistant as senders
  named by `tool_sender`; `is_tool_sender` is the one rule that leaves their conversations out of reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

# Kinds of answer: a sourced answer, a fact the base lacks, a name it does not know, options to choose from,
# a request to clarify, the NLU fallback, the counsellor's contact.
KINDS = ("answer", "missing", "unknown", "ambiguous", "clarify", "fallback", "counsellor")
UNANSWERED = frozenset({"fallback", "unknown"})  # the student got no answer from the base

TOOL_PREFIX = "outil-"


@dataclass(frozen=True)
class Outcome:
    """What an answer was: its kind, the record it comes from and its citation."""

    KIND = "answer_kind"  # metadata keys, as stored in the tracker store
    RECORD = "answer_record"
    SOURCE = "answer_source"

    kind: str = "answer"
    record: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown answer kind: {self.kind!r}")

    def metadata(self) -> dict[str, str]:
        return {self.KIND: self.kind, self.RECORD: self.record, self.SOURCE: self.source}

    @classmethod
    def read(cls, metadata: Mapping[str, Any] | None) -> "Outcome | None":
        """The outcome stored in a bot message's metadata; None for a message that carries none."""
        metadata = metadata or {}
        kind = metadata.get(cls.KIND)
        if kind not in KINDS:
            return None
        return cls(kind, metadata.get(cls.RECORD) or "", metadata.get(cls.SOURCE) or "")

    @property
    def unanswered(self) -> bool:
        return self.kind in UNANSWERED


def tool_sender(name: str) -> str:
    """The sender id one of our tools uses (« outil-charge-3-1 »), never a student's."""
    return TOOL_PREFIX + name


def is_tool_sender(sender: str) -> bool:
    return sender.startswith(TOOL_PREFIX)
