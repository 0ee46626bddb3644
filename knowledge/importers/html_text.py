"""HTML of the Idéo exports → plain text: one line per paragraph, list item or heading.

Uses the stdlib `html.parser`; entities are decoded, white space collapsed, scripts/styles dropped.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = {
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr", "td", "th", "blockquote",
    "section", "article", "header", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
}
_HIDDEN = {"script", "style"}


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


class _Blocks(HTMLParser):
    """Collects (innermost block tag, text) pairs in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self._stack: list[str] = []
        self._buffer: list[str] = []
        self._hidden = 0

    def _flush(self) -> None:
        text = _clean("".join(self._buffer))
        self._buffer = []
        if text:
            self.blocks.append((self._stack[-1] if self._stack else "", text))

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag == "br":
            self._flush()
        elif tag in _BLOCKS:
            self._flush()
            self._stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCKS:
            self._flush()
            if tag in self._stack:  # tolerate unclosed inner tags
                del self._stack[len(self._stack) - 1 - self._stack[::-1].index(tag):]

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._buffer.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def html_blocks(html: str) -> list[tuple[str, str]]:
    """« <p>a</p><h4>b</h4> » → [("p", "a"), ("h4", "b")]; text outside any block gets tag ""."""
    parser = _Blocks()
    parser.feed(html or "")
    parser.close()
    return parser.blocks


def html_to_text(html: str) -> str:
    """HTML → text, paragraphs and list items as lines."""
    return "\n".join(text for _, text in html_blocks(html))
