"""Reading the model's answer: spotting ``NO_ANSWER``, cleaning the text, and citing the sources.

The text is cleaned the same way whether it arrives whole or streamed: markers naming no source
are dropped, and images, HTML and links are removed, because passages are untrusted text that
may try to steer the model. Quotes are never taken from the model's words: each citation is the
passage sentence (or table cell, or header field) that best matches the answer sentences citing
it, cut from the document text by offsets. Pure text work: no request is made here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from assistant.answer.base import Passage
from assistant.answer.citations import (
    candidate_spans,
    make_citation,
    markers,
    normalize_markers,
    passage_span,
)
from assistant.answer.llm_prompt import NO_ANSWER
from assistant.models import Citation

# An unclosed "[" or "<" is held back until it closes, but not forever: a stray bracket must not
# swallow the rest of the streamed answer.
MAX_HELD_CHARS = 400

# --- NO_ANSWER ---------------------------------------------------------------------------------

# Models sometimes dress the token up ("**NO_ANSWER**", "`NO_ANSWER`"); those count too.
_DRESSING = " \t\r\n*`\"'"


def is_no_answer(text: str) -> bool:
    """Whether ``text`` is a ``NO_ANSWER`` reply, possibly dressed up in Markdown or quotes."""
    return text.lstrip(_DRESSING).upper().startswith(NO_ANSWER)


def could_become_no_answer(head: str) -> bool:
    """Whether more text could still make ``head`` a ``NO_ANSWER`` reply."""
    probe = head.lstrip(_DRESSING).upper()
    return len(probe) < len(NO_ANSWER) and NO_ANSWER.startswith(probe)


# --- cleaning the model's text -----------------------------------------------------------------

_IMAGE = re.compile(r"!\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_TAG = re.compile(r"</?[A-Za-z!?][^<>]*>")
_URL = re.compile(r"(?:\b[a-zA-Z][a-zA-Z0-9+.-]*://|\bwww\.)[^\s<>\[\]()\"']*", re.IGNORECASE)
_SOURCE_WORD = re.compile(r"\[(?:source|källa|kalla)\s*(\d+)\]", re.IGNORECASE)
_ANY_MARKER = re.compile(r"\[(\d+)\]")
_PUNCTUATION = ".,;:!?)"


def clean_text(text: str, *, sources: int) -> str:
    """``text`` as plain text with only ``[n]`` markers for ``1 <= n <= sources``.

    Removes Markdown images, HTML tags and comments, and URLs; a link keeps its text. Whitespace
    is tidied inside ``text`` but its ends are kept (the streaming cleaner decides about those).
    """
    text = html.unescape(text)  # the model saw entities in the sources and may repeat them
    text = _IMAGE.sub("", text)
    text = _LINK.sub(lambda m: f"[{m.group(1)}]" if m.group(1).isdigit() else m.group(1), text)
    text = _TAG.sub("", _COMMENT.sub("", text))
    text = _URL.sub("", text)
    text = normalize_markers(_SOURCE_WORD.sub(r"[\1]", text))
    text = _ANY_MARKER.sub(lambda m: m.group(0) if 1 <= int(m.group(1)) <= sources else "", text)
    text = re.sub(r"\(\s*\)", "", text)
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r" ?\n ?", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return re.sub(r" ([.,;:!?)])", r"\1", text)


class Cleaner:
    """Cleans streamed text segment by segment, so each emitted piece is final.

    Text is cut only at whitespace outside an open ``[..]``, ``](..)`` or tag, so no construct the
    cleaner removes is ever split. Whitespace between segments is held back until the next
    segment shows whether it is needed (none before punctuation, none at either end). Cost:
    linear in the text per cut; cuts happen at most once per piece fed.
    """

    def __init__(self, *, sources: int) -> None:
        self._sources = sources
        self._raw = ""
        self._space = ""
        self._started = False

    def feed(self, raw: str) -> str:
        """Cleaned text that can be emitted now (possibly empty)."""
        self._raw += raw
        cut = _safe_cut(self._raw)
        if cut == 0:
            return ""
        segment, self._raw = self._raw[:cut], self._raw[cut:]
        return self._emit(segment)

    def finish(self) -> str:
        """The rest of the cleaned text, once the raw text has ended."""
        segment, self._raw = self._raw, ""
        return self._emit(segment)

    def _emit(self, segment: str) -> str:
        cleaned = clean_text(segment, sources=self._sources)
        body = cleaned.strip()
        if not body:
            self._space += cleaned
            return ""
        leading = cleaned[:len(cleaned) - len(cleaned.lstrip())]
        gap = _gap(self._space + leading) if self._started and body[0] not in _PUNCTUATION else ""
        self._space = cleaned[len(cleaned.rstrip()):]
        self._started = True
        return gap + body


def _gap(whitespace: str) -> str:
    """The whitespace held between two segments, tidied as ``clean_text`` tidies it inside one."""
    newlines = whitespace.count("\n")
    return "\n\n" if newlines >= 2 else "\n" if newlines else " " if whitespace else ""


def _safe_cut(raw: str) -> int:
    """The end of the last whitespace in ``raw`` outside any open construct; 0 if there is none."""
    cut, open_ = 0, _OpenConstructs()
    for index, char in enumerate(raw):
        open_.step(raw, index)
        if char.isspace() and not open_.any():
            cut = index + 1
    if cut == 0 and len(raw) > MAX_HELD_CHARS:
        cut = max(raw.rfind(" ", 0, len(raw) - 1), raw.rfind("\n", 0, len(raw) - 1)) + 1
    return cut


class _OpenConstructs:
    """Tracks ``[..]`` brackets, a ``](..)`` link target and ``<tag ..>`` while scanning text."""

    def __init__(self) -> None:
        self.brackets = 0
        self.target = False
        self.tag = False

    def any(self) -> bool:
        return self.brackets > 0 or self.target or self.tag

    def step(self, text: str, index: int) -> None:
        char = text[index]
        if self.tag:
            self.tag = not (char == ">" or text.startswith("&gt;", index))
        elif self.target:
            self.target = char != ")"
        elif char == "[":
            self.brackets += 1
        elif char == "]" and self.brackets:
            self.brackets -= 1
            self.target = text.startswith("(", index + 1)
        elif char == "<" or text.startswith("&lt;", index):
            after = text[index + (1 if char == "<" else 4):index + (2 if char == "<" else 5)]
            self.tag = after == "" or after.isalpha() or after in "/!?"


# --- citations ---------------------------------------------------------------------------------

_WORD = re.compile(r"\w{3,}")
_ANSWER_SENTENCE = re.compile(r"(?<=[.!?])\s+(?!\[)|\n+")


def cite(text: str, passages: Sequence[Passage]) -> list[Citation]:
    """One citation per source cited in ``text`` (in order of first use), numbered as cited.

    Each quote is the passage span that shares the most words with the answer sentences citing
    it. Cost: linear in the answer and the cited passages.
    """
    text = normalize_markers(text)
    sentences = _ANSWER_SENTENCE.split(text)
    citations = []
    for n in markers(text):
        if 1 <= n <= len(passages):
            citing = " ".join(s for s in sentences if f"[{n}]" in s)
            citations.append(make_citation(passages[n - 1], n, best_span(passages[n - 1], citing)))
    return citations


def best_span(passage: Passage, claim: str) -> tuple[int, int]:
    """The candidate span of ``passage`` sharing the most words with ``claim``; ``passage_span``
    when none shares any."""
    words = _words(claim)
    best, best_score = passage_span(passage), 0
    for start, end in candidate_spans(passage):
        score = len(words & _words(passage.document_text[start:end]))
        if score > best_score:
            best, best_score = (start, end), score
    return best


def _words(text: str) -> set[str]:
    return set(_WORD.findall(_ANY_MARKER.sub(" ", text).lower()))
