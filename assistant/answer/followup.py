"""Follow-up questions without an LLM: carry the topic of the previous turn, replace what changed.

"And in Tranås?" after "Who is responsible for housing in Tierp?" becomes "Who is responsible for
housing in Tranås?". A follow-up that names no municipality adds its words to the previous
question ("Och för språk?" → "Vem ansvarar för boende i Tierp? språk").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.models import ChatTurn
from assistant.municipalities import find_municipalities_in_query

_CONNECTOR = re.compile(
    r"^\s*(?:and|but|also|what about|how about|same for|and what about|och|men|även|också|"
    r"hur är det med|vad gäller|samma för|än|och vad gäller)\b[\s,]*", re.IGNORECASE)
_PREPOSITION = re.compile(r"^\s*(?:in|for|at|i|för|på|inom)\b\s*", re.IGNORECASE)
_QUESTION_WORD = re.compile(r"\b(?:what|who|whom|which|when|where|why|how|vad|vem|vilka|vilken|vilket|när|var|"
                            r"varför|hur)\b", re.IGNORECASE)
_MAX_FOLLOW_UP_WORDS = 6


def is_follow_up(question: str) -> bool:
    """Starts like a continuation, or is too short to stand alone and asks nothing itself."""
    if _CONNECTOR.match(question):
        return True
    return len(question.split()) <= 3 and not _QUESTION_WORD.search(question)


def resolve_follow_up(question: str, history: Sequence[ChatTurn], *, municipalities: Sequence[str]) -> str:
    """The standalone form of ``question`` given the earlier user turns. Cost: string work."""
    previous: str | None = None
    for turn in history:
        if turn.role == "user":
            previous = turn.content if previous is None else _combine(turn.content, previous, municipalities)
    if previous is None:
        return question
    return _combine(question, previous, municipalities)


def _combine(question: str, previous: str, municipalities: Sequence[str]) -> str:
    if not is_follow_up(question) or len(question.split()) > _MAX_FOLLOW_UP_WORDS + 3:
        return question
    rest = _PREPOSITION.sub("", _CONNECTOR.sub("", question)).strip(" ?!.")
    named_now = find_municipalities_in_query(question, names=municipalities)
    named_before = find_municipalities_in_query(previous, names=municipalities)
    if named_now and named_before:
        combined = previous
        for old in named_before:
            combined = re.sub(rf"\b{re.escape(old)}(s?)\b", lambda m: named_now[0] + m.group(1), combined)
        leftover = _strip_names(rest, named_now)
        return f"{combined.rstrip()} {leftover}".strip() if leftover else combined
    if named_now:
        return f"{previous.rstrip(' ?')} ({rest})?"
    return f"{previous.rstrip()} {rest}".strip()


def _strip_names(text: str, names: Sequence[str]) -> str:
    for name in names:
        text = re.sub(rf"\b{re.escape(name)}s?\b", "", text, flags=re.IGNORECASE)
    return text.strip(" ,?")
