"""Greetings, thanks and "what can you do?": a short reply in the user's language saying what the
assistant does, instead of a search whose closest passages would be quoted at a "hi".

Only a message that is nothing but small talk qualifies: "Hi, who owns the housing goals?" is a
question and is answered as one.
"""

from __future__ import annotations

import re
from enum import StrEnum

from assistant.models import Language


class SmallTalk(StrEnum):
    GREETING = "greeting"
    THANKS = "thanks"
    CAPABILITIES = "capabilities"


_OPENERS: list[tuple[SmallTalk, re.Pattern[str]]] = [
    (SmallTalk.THANKS, re.compile(r"^(?:thanks|thank you|thx|tack|tusen tack|stort tack)\b", re.IGNORECASE)),
    (SmallTalk.GREETING, re.compile(
        r"^(?:hi|hello|hey|hiya|greetings|good (?:morning|afternoon|evening|day)|hej|hejsan|hallå|tjena|tja|"
        r"god (?:morgon|middag|kväll|dag)|goddag)\b", re.IGNORECASE)),
]
# What may follow an opener and still be nothing but small talk.
_PLEASANTRIES = re.compile(
    r"^(?:there|all|everyone|again|a lot|so much|very much|for (?:the|your) help|that was (?:really |very )?"
    r"helpful|how are you(?: doing)?(?: today)?|på dig|allihop|igen|så mycket|för hjälpen|för svaret|"
    r"hur mår du(?: idag)?|hur är det)?$", re.IGNORECASE)
_CAPABILITIES = re.compile(
    r"^(?:(?:so |and )?what (?:kind of things |sort of things |questions )?can you (?:do|help(?: me)?(?: with)?|"
    r"answer)|who are you|what are you|how do you work|what do you do|vad kan du(?: hjälpa (?:mig |till )?med| göra"
    r"| svara på)?|vem är du(?: egentligen)?|vad är du|hur fungerar du|vad gör du)$", re.IGNORECASE)
_FILLER = re.compile(r"[\s,.!?;:()\"'´`-]+")

REPLIES: dict[SmallTalk, dict[Language, str]] = {
    SmallTalk.GREETING: {
        "en": "Hello! I answer questions about the policy documents in the index, in English or Swedish, "
              "quoting the sections I used with numbered citations. Ask for example who is responsible "
              "for something, by when a plan is to be revised, or what a policy says about a topic.",
        "sv": "Hej! Jag svarar på frågor om styrdokumenten i indexet, på svenska eller engelska, och citerar "
              "de avsnitt jag använt med numrerade källhänvisningar. Fråga till exempel vem som ansvarar för "
              "något, när en plan ska revideras eller vad en policy säger om ett ämne.",
    },
    SmallTalk.THANKS: {
        "en": "You're welcome! Ask me anything else about the policy documents.",
        "sv": "Varsågod! Fråga gärna något mer om styrdokumenten.",
    },
    SmallTalk.CAPABILITIES: {
        "en": "I answer questions about the policy documents in the index, in English or Swedish. Each answer "
              "quotes the documents word for word, with numbered citations to the document and section; "
              "when the documents do not answer a question, I say so instead of guessing.",
        "sv": "Jag svarar på frågor om styrdokumenten i indexet, på svenska eller engelska. Varje svar citerar "
              "dokumenten ordagrant, med numrerade hänvisningar till dokument och avsnitt; när dokumenten inte "
              "besvarar en fråga säger jag det i stället för att gissa.",
    },
}


def small_talk(message: str) -> SmallTalk | None:
    """What kind of small talk ``message`` is, or ``None`` for anything that asks something of the
    documents. Cost: a few regular expressions over a short string."""
    text = _FILLER.sub(" ", message).strip()
    if not text or len(text.split()) > 9:
        return None
    if _CAPABILITIES.match(text):
        return SmallTalk.CAPABILITIES
    for kind, opener in _OPENERS:
        found = opener.match(text)
        if found is None:
            continue
        rest = text[found.end():].strip()
        if _PLEASANTRIES.match(rest):
            return kind
        if _CAPABILITIES.match(rest):
            return SmallTalk.CAPABILITIES
    return None


def reply(kind: SmallTalk, language: Language) -> str:
    """The reply to ``kind`` in ``language``."""
    return REPLIES[kind][language]
