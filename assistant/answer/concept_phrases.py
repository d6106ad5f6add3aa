"""How an English question's words stand: which phrase a question only asks with ("which town
…?", "some form of …"), uses as a verb ("must the inquiry report?") or as part of a name ("the Volvo
Group"), and whether a passage writes an English word as Swedish does ("sector" → "sektor"). Word
and regex work only; ``concepts.ConceptCheck`` reads the glossary's concepts with them.
"""

from __future__ import annotations

import re

from assistant.glossary_phrases import without_possessive

MIN_HEAD_WRITTEN = 6  # a shorter form ("land", "plan") ends too many words of other senses to be read as a head
MIN_COGNATE = 6  # a shorter English word ("cars", "data") is too often a part of unrelated Swedish words


def cognate(said: str, written: set[str]) -> bool:
    """Whether an English word of the question is written in the passages as Swedish writes it: its
    singular starts one of their terms ("operations" → "operation", "regions" → "region", "initiatives"
    → "initiativ") or ends one, inflected or not ("the transport sector's" → "transportsektorn").
    One word of ``MIN_COGNATE`` letters or more, possessive or not; a phrase never. Cost: a scan of
    the passages' terms."""
    word = without_possessive(said.casefold())
    if " " in word or not word.isalpha() or len(word) < MIN_COGNATE:
        return False
    singular = word[:-1] if word.endswith("s") and not word.endswith("ss") else word
    # English "-ive" is Swedish "-iv": "initiative" is "initiativ", "directive" "direktiv".
    singular = singular[:-1] if singular.endswith("ive") else singular
    # An English hard "c" is a Swedish "k": "effective" is "effektiv", "sector" "sektor".
    spellings = {singular, _HARD_C.sub("k", singular)}
    return len(singular) >= MIN_COGNATE and any(term.startswith(s) or _ends_with(term, s)
                                                 for s in spellings for term in written)


def _ends_with(term: str, head: str) -> bool:
    """Whether ``term`` ends in ``head``, or in ``head`` and an ending of up to three letters."""
    place = term.rfind(head)
    return place > 0 and len(term) - place - len(head) <= 3


_HARD_C = re.compile(r"c(?![eiy])")


def asked_for(said: str, question: str) -> bool:
    """Whether the English ``question`` asks for a thing of the kind ``said`` names, as the noun
    the question word qualifies: "which town was …", "on what basis are …" (not "which EU
    mechanism", whose kind is the mechanism)."""
    return any(_QUESTION_WORD_BEFORE.search(before) and _ASKED_KIND_AFTER.match(after)
               for before, after in around(said, question))


def used_as_verb(said: str, question: str) -> bool:
    """Whether the English ``question`` uses the phrase ``said`` with its last word as a verb, after
    a modal and its subject: "By when must the inquiry report?" asks when it reports, not about an
    inquiry report (betänkande); "What does the inquiry report say?" keeps the noun. Or after a
    modal and before "as": "Which agency will act as host?" (no act, lag)."""
    return any((_MODAL_AND_SUBJECT_BEFORE.search(before) and _VERB_ENDS_AFTER.match(after))
               or (_MODAL_BEFORE.search(before) and _AS_AFTER.match(after))
               for before, after in around(said, question))


def writes(text: str, form: str) -> bool:
    """Whether ``text`` (casefolded) writes ``form`` as a word or a compound's start ("skogsbränder"),
    or, a form of ``MIN_HEAD_WRITTEN`` letters or more, as a compound's head, inflected or not: a
    "Klimat- och miljöminister" is a minister, a "flyttavgiften" a fee; a form of several words also
    with a few words between its first and the rest (``_split_by_words``)."""
    if " " in form and _split_by_words(form).search(text):
        return True
    start = text.find(form)
    while start >= 0:
        if start == 0 or not _in_a_word(text[start - 1]):
            return True
        end = start + len(form)
        ending = 0
        while end + ending < len(text) and _in_a_word(text[end + ending]):
            ending += 1
        if len(form) >= MIN_HEAD_WRITTEN and ending <= 3:
            return True
        start = text.find(form, start + 1)
    return False


def _split_by_words(form: str) -> re.Pattern[str]:
    """A form of several words with up to three words between its first and the rest: a verb and
    its particles apart, as a subject after the verb parts them ("Den 1 januari 2009 trädde
    ränteavdragsbegränsningsregler i kraft" writes "trädde i kraft"). (``re`` keeps the compiled
    patterns: a question's concepts have few forms.)"""
    first, rest = form.split(" ", 1)
    return re.compile(rf"(?<!\w){re.escape(first)}(?:\s+[\w-]+){{1,3}}\s+{re.escape(rest)}(?!\w)")


def _in_a_word(character: str) -> bool:
    """Whether ``character`` is one a regular expression's ``\\w`` matches (a letter, digit or "_")."""
    return character.isalnum() or character == "_"


def names_a_kind(said: str, question: str) -> bool:
    """Whether the English ``question`` uses ``said`` as a word for a kind of thing before "of":
    "some form of cardiovascular disease" asks about the disease, not a form to fill in (blankett);
    or, in lower case, before a title: "the work The Jewish Song" asks about the piece of music, not
    about work (arbete)."""
    return any((said.casefold() in _KIND_WORDS and _OF_AFTER.match(after))
               or (question[len(before):len(before) + len(said)].islower() and _TITLE_AFTER.match(after))
               for before, after in around(said, question))


def around(said: str, question: str) -> list[tuple[str, str]]:
    """The text before and after each place ``said`` stands in ``question`` as whole words (any
    case). String search with patterns compiled once: a pattern per phrase, compiled on every
    question, cost more than the rest of the concept check."""
    lowered, phrase = question.lower(), said.lower()
    places, start = [], lowered.find(phrase)
    while start >= 0 and len(lowered) == len(question):
        end = start + len(phrase)
        if (start == 0 or not lowered[start - 1].isalnum()) and (end == len(lowered) or not lowered[end].isalnum()):
            places.append((question[:start], question[end:]))
        start = lowered.find(phrase, start + 1)
    return places


_MODALS = r"must|should|shall|will|would|can|could|may|might"
# (A subject is named: "How quickly must graffiti on buildings be removed?" uses no verb.)
_MODAL_AND_SUBJECT_BEFORE = re.compile(rf"\b(?:{_MODALS}|did|does|do)\s+(?:the|its|their|this|that|each|every)\s+"
                                       r"(?:[\w-]+\s+){0,2}\Z", re.IGNORECASE)
# ("What will that agency provide for the council?": a verb before "for" too.)
_VERB_ENDS_AFTER = re.compile(r"\s*(?:[?,.;]|$)|\s+(?:to|on|by|back|its|their|the|in|before|for)\b", re.IGNORECASE)
_MODAL_BEFORE = re.compile(rf"\b(?:{_MODALS}|to)\s+\Z", re.IGNORECASE)
_AS_AFTER = re.compile(r"\s+as\b", re.IGNORECASE)
# ("a group of related companies" speaks of the companies, not of a kommunkoncern.)
_KIND_WORDS = frozenset({"form", "forms", "type", "types", "kind", "kinds", "sort", "sorts", "group", "groups"})
_OF_AFTER = re.compile(r"\s+of\b", re.IGNORECASE)
# A title in apposition: a capital, or a quotation mark, right after the word ("the work The Jewish
# Song", "the report “Sweden in Europe”").
_TITLE_AFTER = re.compile(r"[ \t]+[\"“”'‘’«]?[A-ZÅÄÖ]")
_QUESTION_WORD_BEFORE = re.compile(r"\b(?:which|what)\s+\Z", re.IGNORECASE)
_ASKED_KIND_AFTER = re.compile(r"\s+(?:is|was|are|were|did|does|do|has|have|had|will|would|should|must|can|could|"
                               r"may|of|in|on|for|to|that|which|who)\b|\s*[?,]", re.IGNORECASE)


# A name of capitalised words inside a sentence: "the Volvo Group", "the Statement of Foreign Policy".
_NAME = re.compile(r"(?<=\S\s)[A-ZÅÄÖ][\w'’-]*(?:\s+(?:(?:of|for|and|on|the)\s+)*[A-ZÅÄÖ][\w'’-]*)+|"
                   # A court case named by its party: "the Wassdahl case" (målet Wassdahl mot Sverige).
                   r"(?<=\S\s)[A-ZÅÄÖ][\w'’-]+\s+(?:case|judgment|ruling)\b")


def in_a_name(said: str, question: str) -> bool:
    """Whether the English phrase ``said`` is part of a name of two capitalised words or more
    inside ``question`` ("Group" in "the Volvo Group", "Statement" in "the Statement of Foreign
    Policy"), or of a case's ("the Wassdahl case"): a name's words are not the glossary's concept
    ("group": kommunkoncernen), and a document writes the name its own way ("Utrikesdeklarationen").
    A name that is the glossary's phrase itself ("the new Social Services Act": socialtjänstlagen)
    is the concept, named."""
    return any(re.search(rf"(?<!\w){re.escape(said)}(?!\w)", name.group(0), re.IGNORECASE)
               and name.group(0).casefold() != said.casefold()
               for name in _NAME.finditer(question))


ACT = re.compile(r"\b(?:act|code|law|ordinance)$", re.IGNORECASE)


def names_whole(said: str, question: str) -> bool:
    """Whether the English phrase ``said`` is a whole name of two capitalised words or more inside
    ``question``: "the new Social Services Act" (the glossary's "social services act")."""
    return any(name.group(0).casefold() == said.casefold() for name in _NAME.finditer(question))
