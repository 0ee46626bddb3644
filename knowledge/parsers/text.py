"""Small text helpers shared by the parsers."""

from __future__ import annotations

import re
import unicodedata

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý«])")


def slug(text: str) -> str:
    """« J'aime communiquer » → « j-aime-communiquer »."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def clean(text: str) -> str:
    """Drop HTML comments and collapse white space; the wording stays the source's."""
    return re.sub(r"\s+", " ", _COMMENT.sub("", text)).strip()


def sentences(text: str) -> list[str]:
    """Split a paragraph into sentences (on . ! ? followed by a capital)."""
    return [s.strip() for s in _SENTENCE_END.split(clean(text)) if s.strip()]
