"""Which kind of fact a question asks for (``asked_type``), read with the cues of ``answer_type``:
the most specific cue first, then what the question's opening word, a second question or a leading
clause say of it; whether a question opens as a yes-or-no one; which item of several it asks for
by its place. Cost: regex searches per question; nothing here knows any document.
"""

from __future__ import annotations

import functools

from assistant.answer.answer_type import ASKS, SPECIFIC, AnswerType
from assistant.answer.events import cue as _cue
from assistant.answer.number_words import PLACES
from assistant.answer.question_cues import ASKS_NTH, VERB_FIRST


def opens_as_yes_or_no(question: str) -> bool:
    """Whether ``question`` opens with a verb, as a yes-or-no question does ("Får …?", "Can it …?")."""
    return VERB_FIRST.search(question) is not None


@functools.lru_cache(maxsize=1024)
def asked_type(question: str) -> AnswerType | None:
    """The kind of fact ``question`` asks for, the most specific first; ``None`` when it asks for
    an explanation, a list or anything else no cue names. Cost: a few regex searches, once per
    question (remembered: the selection, the quoting of each chosen unit and the explanation of a
    miss all ask it)."""
    question = _main_clause(question)
    if _SAYS_ABOUT.match(question):
        return None  # "Vad säger ministern om antalet asylsökande?" asks what is said, not how many
    by_opening = next((kinds for opening, kinds in _ASKED_BY_OPENING if opening.match(question)), None)
    for answer_type, cue in ASKS:
        if found := cue.search(question):
            if answer_type is AnswerType.COUNT and _TREND.search(question):
                continue  # "Hur har antalet … utvecklats?" asks how a number changed, not how many
            if answer_type is AnswerType.COUNT and _OPENS_WITH_WHICH.match(question) \
                    and not _HOW_MANY.match(found.group(0)):
                continue  # "Which countries supported … a cap on the number of children …?" asks which
            if answer_type in SPECIFIC and found.start() > 0 and _EMBEDDED.match(found.group(0)) \
                    and not _SECOND_QUESTION.search(question[:found.start()]):
                # "Ska utredaren bedöma hur lång tid det tar …?" asks whether, not how long ("Is
                # there a deadline …?" still asks for the deadline); "Vad är det som avgör hur stora
                # vinster de gör?" asks what, not how large.
                if _asks_whether(question):
                    return AnswerType.YES_NO
                if _OPENS_WITH_WHAT.match(question):
                    continue
            # The question word it opens with decides, unless a second question asks the kind found
            # ("Who approves invoices, and above what amount …?").
            if by_opening and answer_type not in by_opening \
                    and not _SECOND_QUESTION.search(question[:found.start()]):
                continue
            if answer_type is AnswerType.MONEY and _AIM.search(question) and not _HOW_MUCH.search(question):
                return AnswerType.PURPOSE  # "What is the grant to the Sports Confederation meant to achieve?"
            if answer_type is AnswerType.CONTACT and _asks_whether(question) and not _WHOM_TO_ASK.search(question):
                return AnswerType.YES_NO  # "Har den som utsatts för våld rätt att få en kontaktperson?"
            if answer_type is AnswerType.BODY and found.group(0).casefold() in ("who", "whom"):
                if _asks_whether(question):
                    return AnswerType.YES_NO  # "Will the inquiry consider checking people who already work …?"
                if _ASKS_BEFORE.search(question[:found.start()]):
                    continue  # "What happens to employers of foreigners who lack a work permit?"
            return answer_type
    return None


# The kinds of fact a question's opening word asks for, whatever else it names. "When" asks for a
# time ("… on doubled penalties", "… statistiken om antalet anmälningar", "… the contact person")
# or a condition ("When is it allowed to refuse a permit?"); "who" for a person or a body, whom to
# contact or who counts as something ("Who was appointed to … the overhaul of criminal penalties?").
_ASKED_BY_OPENING = (
    (_cue(r"^\W*(?:and\s+|och\s+)?(?:when|när|since when|sedan när|from what date|från vilket datum)\b"),
     frozenset({AnswerType.DATE, AnswerType.DEADLINE, AnswerType.DURATION, AnswerType.CLOCK, AnswerType.CONDITION})),
    (_cue(r"^\W*(?:and\s+|och\s+)?(?:who|whom|vem)\b"),
     frozenset({AnswerType.PERSON, AnswerType.BODY, AnswerType.CONTACT, AnswerType.DEFINITION})),
)


def asked_place(question: str) -> int | None:
    """The place of the item ``question`` asks for among several (1 for "What is the first one?",
    -1 for "the last of them"), or ``None`` when it asks for no item by its place."""
    found = ASKS_NTH.search(question)
    return PLACES[found.group("place").casefold()] if found else None


# "Vad säger migrationsministern om antalet asylsökande i år?", "What does the report say about
# costs?": what someone says of a thing, not the thing's figure.
_SAYS_ABOUT = _cue(r"^\W*(?:and\s+|och\s+)?(?:vad (?:säger|sa|sade|skriver|anför|framhåller)\b.{1,80}?\bom\b|"
                   r"what (?:does|did|do) .{1,80}?\b(?:say|write|state) about\b)")

# A question opening "which …" asks which; a number it names later ("the number of children") is
# what it is about.
_OPENS_WITH_WHICH = _cue(r"^\W*(?:and\s+|och\s+)?(?:which|vilken|vilket|vilka)\b")
_HOW_MANY = _cue(r"how many|hur många")

# Read beside a cue found: whom to ask (a contact is then asked for), an aim (money asked for is then
# a purpose), how much (money is then money).
_WHOM_TO_ASK = _cue(r"\b(?:who|whom|vem|vart)\b")
_AIM = _cue(r"\b(?:meant|intended|designed|supposed) to\b|\bpurpose of\b|\bsyftet med\b|\bsyftar\b")
_HOW_MUCH = _cue(r"\bhow (?:much|big|large|high)\b|\bhur (?:mycket|stor|stort|stora|höga?)\b")

# A question opening with its verb asks yes or no, whoever a relative clause names after it (the
# verbs ``VERB_FIRST`` leaves out besides: English ones, and "Har den som … rätt att få …?"); not a
# polite question for a name (``_POLITE``).
_ASKS_YES_OR_NO = _cue(r"^\W*(?:and\s+|och\s+)?(?:will|would|does|do|did|is|are|was|were|has|have|should|must|may|"
                       r"can|har|hade)\s")


# "Hur har antalet … utvecklats?", "How has the number of … changed?": a change asked for.
# "Vilken effekt har regelverket haft på antalet beslut?" too: "ökat från några dussintal till flera hundra".
# "Hur mycket kan antalet brottsutvisningar öka?", "How much could the number of … rise?" too.
_TREND = _cue(r"\bhur (?:har|hade)\b.{0,100}\b(?:utvecklats|förändrats|ändrats|påverkats)\b|"
              r"\bhur mycket\b.{0,60}\bantal\w*\b.{0,60}\b(?:öka|minska|växa|sjunka)\w*|"
              r"\bhow much\b.{0,60}\bnumber of\b.{0,60}\b(?:increase|rise|grow|fall|decrease|drop)\w*|"
              r"\bhow (?:has|have|did)\b.{0,100}\b(?:changed|developed|evolved|change|develop|evolve|affected)\b|"
              r"\bvilke?n (?:effekt|påverkan|inverkan)\b.{0,100}\bantal|"
              r"\bwhat (?:effect|impact)\b.{0,100}\bnumber of\b")


def _asks_whether(question: str) -> bool:
    """Whether ``question`` opens with its verb and so asks yes or no, in either language; not a
    polite question for a fact ("Can you tell me how many …?", "Kan du säga hur många …?")."""
    return bool(opens_as_yes_or_no(question) or _ASKS_YES_OR_NO.match(question)) and not _POLITE.match(question)


# A question inside the question: "… bedöma hur lång tid det tar …", "… say how many …".
_EMBEDDED = _cue(r"\W*(?:how|when|what|which|who|hur|när|vad|vilk\w*|vem)\b")


# A question for what, which, who or why: a "how large" inside it does not say what it asks.
_OPENS_WITH_WHAT = _cue(r"^\W*(?:and\s+|och\s+)?(?:what|which|who|whom|why|vad|vilk\w*|vem|varför)\b")


# "Is there an interim report, and if so when is it due?", "Vad innebär förslaget – hur många …?":
# a second question after the first.
_SECOND_QUESTION = _cue(r"[,;:–—]|\s-\s|\bif so\b|\bi så fall\b|\b(?:and|och)\s*$")


_POLITE = _cue(r"^\W*(?:and\s+|och\s+)?(?:(?:can|could|will|would|kan|skulle)\s+(?:you|du|ni|jag|i)\s+"
               r"(?:tell|say|let|name|find|give|list|säga|berätta|nämna|ge|lista|få)|do you know|vet (?:du|ni))\b")


# A question word before a "who" makes it a relative pronoun: the question asks what that word asks.
_ASKS_BEFORE = _cue(r"^\W*(?:and\s+)?(?:what|which|how|when|where|why)\b")


# "When a school has more applicants than places, which grounds may it use?": a leading "when" (or
# "if") clause sets a condition; the question is the clause after the comma. So does a leading
# phrase saying under what ("Under the proposed contractor liability, can a contractor …?").
_LEADING_CLAUSE = _cue(r"^\W*(?:when|if|när|om)\s+[^,?]{3,}?,\s*(?P<main>(?:what|which|who|whom|how|where|why|"
                  r"vad|vilk\w+|vem|hur|var|varför)\b.*)$|"
                  r"^\W*(?:under|according to|enligt)\s+[^,?]{3,80}?,\s*(?P<asked>(?:can|may|must|should|will|"
                  r"would|does|do|did|is|are|was|were|has|have|får|ska|skall|kan|måste|bör|är|blir)\s.*)$")


# "… synpunkter från när det gäller tillstånd?" means "regarding", not "from when".
_REGARDING = _cue(r"\bnär det (?:gäller|kommer till)\b")


def _main_clause(question: str) -> str:
    match = _LEADING_CLAUSE.match(question)
    return _REGARDING.sub(" ", (match.group("main") or match.group("asked")) if match else question)
