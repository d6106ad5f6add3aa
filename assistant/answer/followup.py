"""Follow-up questions without an LLM: carry the topic of the previous turn, replace what changed.

"And in Tranås?" after "Who is responsible for housing in Tierp?" becomes "Who is responsible for
housing in Tranås?". A follow-up that names no municipality adds its words to the previous
question ("Och för språk?" → "Vem ansvarar för boende i Tierp? språk").

A follow-up is also about the document the conversation is about: "And what did the Court
conclude?" or "Who can receive that money?" mean the judgment or the grant just quoted, so the
documents the last answer quoted (named by title in it, ``documents_discussed``) are searched first.

What a follow-up asks is its own when it has a question word of its own (``asked_part``): "And
what should the interim report cover?" after "By when …?" asks for no date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from assistant.answer.asked_kind import asked_type, opens_as_yes_or_no
from assistant.answer.figures import years_of
from assistant.models import ChatTurn, DocumentInfo
from assistant.municipalities import find_municipalities_in_query

_CONNECTOR = re.compile(
    r"^\s*(?:and|but|also|what about|how about|same for|and what about|och|men|även|också|"
    r"hur är det med|vad gäller|samma för|än|och vad gäller)\b[\s,]*", re.IGNORECASE)
_PREPOSITION = re.compile(r"^\s*(?:in|for|at|i|för|på|inom)\b\s*", re.IGNORECASE)
_QUESTION_WORD = re.compile(r"\b(?:what|who|whom|which|when|where|why|how|vad|vem|vilka|vilken|vilket|när|var|"
                            r"varför|hur)\b", re.IGNORECASE)
_MAX_FOLLOW_UP_WORDS = 6
# A follow-up longer than this names its own topic ("And what is the deadline for the regions and
# Gotland to submit their county plans?"): the earlier question helps find its passages, but its
# words do not choose the sentence.
_NAMES_ITS_TOPIC = _MAX_FOLLOW_UP_WORDS + 3
_LONGEST_JOINED = 15  # words of a follow-up that points back or asks again under another condition
# Words that point back into the conversation: "that money", "its purpose", "detta beslut", "vilka
# återstod då?", "what did she say?".
_POINTS_BACK = re.compile(r"\b(?:that|this|these|those|it|its|they|them|their|there|then|the same|he|she|him|"
                          r"her|his|detta|denna|dessa|där|dit|då|dess|deras|den här|det här|de här|samma|han|"
                          r"hon|honom|henne|hans|hennes|dem)\b"
                          # "den"/"det" as the thing talked about, not as an article ("den 1 mars",
                          # "den nya lagen") nor a formal subject ("Finns det …?"): last in the
                          # question ("Vad kostar den?"), before a bare verb ("Varför behövde den ta
                          # över ansvaret?") or in "handlar det om" ("Hur mycket handlar det om?").
                          r"|\b(?:den|det)(?=\s*[?.!]?\s*$)|\b(?:den|det)(?=\s+(?:ta|få|göra|bli|vara|ha|ge|gå|"
                          r"kosta|gälla|behöva|kunna|inte)\b)|\bhandla(?:r|de) det om\b|"
                          # "den"/"det"/"de" before a definite noun point at it: "Vem står bakom det
                          # initiativet?", "Hur länge gäller den ordningen?" (not a formal subject: "Är
                          # det staten som betalar?").
                          r"(?<!\bär )(?<!\bvar )(?<!\bblir )(?<!\bfinns )"
                          r"\b(?:den|det|de)\s+(?!(?:även|sedan|igen|redan|mycket|helt|inget|eget|öppet|"
                          r"emellertid|[a-zåäö]+ligen)\b)[a-zåäö]{2,}(?:et|en|arna|erna|orna)\b",
                          re.IGNORECASE)
# A definite noun naming what the conversation was about points back too ("What is the money meant
# to achieve?" after "How much is the government putting into aviation?", "Är höjningen tillfällig?"
# after "Med hur mycket ökar stödet?"): such a short question is searched for in the documents the
# last answer quoted, with its own words; it is not joined to the earlier question, whose words
# would choose the earlier answer's sentences again ("What was the study meant to examine?").
_NAMES_IT_AGAIN = re.compile(
    r"\bthe (?:money|funds|funding|grants?|increase|rise|raise|cut|cuts|reduction|proposals?|changes?|"
    r"amendments?|decision|measures?|initiative|investment|allocation|sum|amount|figure|support|aid|"
    r"assignment|inquiry|study|agreement|meeting|visit|conference|programme|project|scheme|bill|ban|fee|"
    r"deadline)\b|"
    r"\b(?:pengarna|medlen|höjningen|ökningen|sänkningen|minskningen|förslaget|förslagen|ändringen|"
    r"ändringarna|beslutet|åtgärden|åtgärderna|satsningen|investeringen|stödet|bidraget|anslaget|summan|"
    r"beloppet|siffran|uppdraget|utredningen|studien|avtalet|mötet|besöket|konferensen|programmet|"
    r"projektet|förbudet|avgiften)\b", re.IGNORECASE)
_IF_INSTEAD = re.compile(r"^\s*(?:and|but|och|men)\s+(?:what )?(?:if|om)\b", re.IGNORECASE)
_MIN_TITLE_CHARS = 8  # a shorter title ("Plan") is found in answers that do not name it


# A question made only of these words names no topic: "On what conditions?", "Till vilka?", "Why
# not?", "Hur mycket då?" ask about what the conversation is about.
_NO_TOPIC = frozenset(
    "what who whom which when where why how much many long often on in at for by to with from of is are "
    "was were it the a an exactly then so not condition conditions requirements date dates year years amount "
    "sum deadline reason reasons purpose cost costs vad vem vilka vilken vilket när var varför hur mycket många "
    "länge ofta på under i för till med av från om är det de den då så inte exakt villkor krav förutsättningar "
    "datum år belopp summa skäl anledning syfte kostnad kostnaden".split())


def is_follow_up(question: str) -> bool:
    """Starts like a continuation, is too short to stand alone and asks nothing itself, or names
    no topic ("On what conditions?")."""
    if _CONNECTOR.match(question):
        return True
    words = re.findall(r"[\wåäö]+", question.casefold())
    return (len(question.split()) <= 3 and not _QUESTION_WORD.search(question)) \
        or (0 < len(words) <= 5 and all(word in _NO_TOPIC for word in words))


def refers_back(question: str) -> bool:
    """Reads as part of a conversation: a follow-up (``is_follow_up``), a question that points
    back ("Who can receive that money?") or a short one naming a thing talked about by a definite
    noun ("What is the money meant to achieve?")."""
    return _points_back(question) or (
        len(question.split()) <= _NAMES_ITS_TOPIC and _NAMES_IT_AGAIN.search(question) is not None)


def without_things_named_again(question: str) -> str:
    """``question`` without the definite nouns that name what the conversation was about ("What is
    the money meant to achieve?" → "What is meant to achieve?"): in a follow-up, "the money" is the
    earlier question's investment, whatever the documents call it. String work."""
    return _NAMES_IT_AGAIN.sub(" ", question)


def _points_back(question: str) -> bool:
    return is_follow_up(question) or _POINTS_BACK.search(question) is not None


def documents_discussed(history: Sequence[ChatTurn], documents: Iterable[DocumentInfo]) -> list[str]:
    """The ids of ``documents`` whose titles the last assistant turn of ``history`` names, in the
    order it names them (an answer's points and citations name their documents by title). Cost: a
    substring search per document, ~1 µs each."""
    answer = next((turn.content for turn in reversed(history) if turn.role == "assistant"), "")
    if not answer:
        return []
    found = [(at, document.id) for document in documents
             if len(document.title) >= _MIN_TITLE_CHARS and (at := answer.find(document.title)) >= 0]
    return [document_id for _, document_id in sorted(found)]


def resolve_follow_up(question: str, history: Sequence[ChatTurn], *, municipalities: Sequence[str]) -> str:
    """The standalone form of ``question`` given the earlier user turns. Cost: string work."""
    previous: str | None = None
    for turn in history:
        if turn.role == "user":
            previous = turn.content if previous is None else _combine(turn.content, previous, municipalities)
    if previous is None:
        return question
    return _combine(question, previous, municipalities)


# "Och hur många var det året innan?" after a question about 2018 asks about 2017.
_YEAR_BEFORE = re.compile(r"\b(?:året (?:innan|före|dessförinnan)|föregående år|(?:the |a )?(?:year before|"
                          r"previous year|preceding year|prior year)|a year (?:earlier|before))\b", re.IGNORECASE)
_YEAR_AFTER = re.compile(r"\b(?:året (?:efter|därpå|därefter)|följande år|(?:the )?(?:year after|following year)|"
                         r"a year later)\b", re.IGNORECASE)


def with_years_named(question: str, history: Sequence[ChatTurn]) -> str:
    """``question`` with a year it names relative to another ("året innan", "the following year")
    written out, counted from the one year the question names itself ("in 2019 and the year
    before"), else from the one the last user turn naming years names (2018: "… var det 2017?");
    unchanged when that turn names several or none does. String work."""
    if not (_YEAR_BEFORE.search(question) or _YEAR_AFTER.search(question)):
        return question
    turns = [question, *(turn.content for turn in reversed(history) if turn.role == "user")]
    named = next((found for text in turns if (found := years_of(text))), set())
    if len(named) != 1:
        return question
    year = int(named.pop())
    question = _YEAR_BEFORE.sub(str(year - 1), question)
    return _YEAR_AFTER.sub(str(year + 1), question)


def _combine(question: str, previous: str, municipalities: Sequence[str]) -> str:
    # "Och om det i stället är regeringen som ger tillståndet?" asks the earlier question again under
    # another condition, and "And which agency are they supposed to work with on it?" or "How much
    # of that is earmarked for …?" point back to it: such a follow-up is joined to the earlier
    # question up to ``_LONGEST_JOINED`` words, any other up to ``_NAMES_ITS_TOPIC``.
    longest = _LONGEST_JOINED if _IF_INSTEAD.match(question) or _POINTS_BACK.search(question) else _NAMES_ITS_TOPIC
    if not _points_back(question) or len(question.split()) > longest:
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


# A follow-up with a question word of its own asks its own question ("And what should the interim
# report cover?" asks for no date, though the question before it did); one without ("And in 2022?",
# "Och för Tranås?", "And what about Tranås?", "Och hur såg motsvarande siffra ut 1995?") asks the
# earlier question again.
_ASKS_AGAIN = re.compile(r"\b(?:what|how) about\b|\bhur är det med\b|\bvad gäller\b|\bhur (?:blir|ser) det ut\b|"
                         r"\bsame\b|\bsamma\b|\bmotsvarande\b|\bcorresponding\b", re.IGNORECASE)


# "Does it also have to keep the ministry updated?", "Ska de lämna någon avstämning innan dess?": a
# yes-or-no follow-up asking about something besides what the earlier question asked; so does one
# asking whether a thing goes on ("Do the credit institutions still pay a fee into it?" after "Since
# what year …?").
_ASKS_BESIDES = re.compile(r"\b(?:also|as well|too|också|även|any|någon|något|några|still|anymore|any longer|"
                           r"fortfarande|längre|kvar)\b", re.IGNORECASE)


def asked_part(question: str, own: str | None) -> str:
    """The words that say what is asked: a follow-up's ``own`` words (``question`` its resolved,
    standalone form) when they hold a question word and do not ask the earlier question again, or
    open as a yes-or-no question does while the joined question asks for no kind of fact or they
    ask about something besides it ("also", "också"); a "Can those time limits be extended?" after
    "Within what time limits …?" is still answered by the limits. Else ``question``. String work,
    and ``asked_type`` of ``question``."""
    if not own or own == question or _ASKS_AGAIN.search(own):
        return question
    if _QUESTION_WORD.search(own) or (opens_as_yes_or_no(own) and (
            asked_type(question) is None or _ASKS_BESIDES.search(own))):
        return own
    return question


def asks_yes_or_no_after(question: str, own: str | None) -> bool:
    """Whether a follow-up's ``own`` words ask yes or no about what the joined ``question`` asked
    ("Is that number a fixed ceiling?" after "How many funds …?"): ``asked_part`` reads the joined
    question, whose kind of fact the answer may not state."""
    return bool(own) and own != question and asked_part(question, own) == question and opens_as_yes_or_no(own)


def topic_part(question: str, own: str | None) -> str:
    """The words a sentence is matched against (``extractive``'s overlap): a follow-up's ``own``
    when it is long enough to name its topic itself (``_NAMES_ITS_TOPIC``), else ``question``, its
    resolved form. String work."""
    return own if own and own != question and len(own.split()) > _NAMES_ITS_TOPIC else question


def figures_part(question: str, own: str | None, *, asked: str) -> str:
    """The words whose years and numbers are asked about: a follow-up's ``own`` when it names one
    ("… ut 1995?"), else ``asked``."""
    return own if own and own != question and any(c.isdigit() for c in own) else asked
