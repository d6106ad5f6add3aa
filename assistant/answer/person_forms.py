"""Whether a text names a person: a known given name and a surname, a surname by its form
("Wennerström", "Aida Hadzialic (S)"), a title before a name ("statsminister Ulf Kristersson"), an
honorific, a name signed with its post, a speaker ("säger Anna Ek"), or a post of a body
("myndighetschefen för Kommerskollegium"). ``fact_forms`` reads a person with it; nothing here
knows any document.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

from assistant.answer.form_matching import finds, is_new, uses
from assistant.answer.question_cues import POSTS

# A post holder named by title ("statsminister Ulf Kristersson", "generaldirektör Anna Ek").
# Titles that stand before a name in running text, besides the posts a question asks for by title.
_TITLES = (rf"{POSTS}|\w*ledamot\w*|\w*sekreterare\w*|\w*chef(?:en)?|professor\w*|ombudsman\w*|"
           r"överbefälhavare\w*|biskop\w*|projektledare\w*|handläggare\w*|president\w*|director(?:-general)?|"
           # Judges and lawyers: "hovrättslagmannen Monika Sörbom", "justitierådet Anna Ek".
           r"\w*lagman\w*|\w*domare\w*|justitieråd\w*|\w*rådman\w*|advokat\w*|\w*åklagare\w*|"
           r"ambassador|chair(?:man|woman|person)?|secretary(?:-general)?|governor|commissioner|coordinator|"
           r"rapporteur|spokesperson|mayor")
# (The lookahead first: the titles are tried only before a capitalised word.)
# (A given name may be hyphenated: "justitieminister Liisa-Ly Pakosta".)
_TITLED = re.compile(rf"\b(?=\w+\s+(?:[a-zåäö]+\s+)?[A-ZÅÄÖ])(?i:{_TITLES})\s+(?:[a-zåäö]+\s+)?[A-ZÅÄÖ][a-zåäöéü]+"
                     # (A middle initial may stand between: "professor Torben M. Andersen".)
                     r"(?:-[A-ZÅÄÖ][a-zåäöéü]+)?\s+(?:[A-ZÅÄÖ]\.\s+)?"
                     r"[A-ZÅÄÖ][a-zåäöéü]+"
                     # Or surnames after a title in the plural: "statsråden Busch, Forssmed och Persson".
                     r"|\b(?i:statssekreterarna|ministrarna|statsråden|ledamöterna|state secretaries|ministers)\s+"
                     r"[A-ZÅÄÖ][a-zåäöéü]+(?:,\s+[A-ZÅÄÖ][a-zåäöéü]+)*\s+(?:och|and)\s+[A-ZÅÄÖ][a-zåäöéü]+"
                     # Or by an honorific, whatever the given name: "Mr Dimitrios Touloupas".
                     r"|\b(?:Mr|Mrs|Ms|Dr|Prof|Sir|Dame|H\.E\.|Herr|Fru)\.?\s+[A-ZÅÄÖ][a-zåäöéü]+\s+[A-ZÅÄÖ][a-zåäöéü]+"
                     # Or signed with the post after the name: "Irina Schoulgin Nyoni, Ambassador".
                     # (one describing word may come first: "Patrick Reslow, skolpolitisk talesperson").
                     rf"|\b[A-ZÅÄÖ][a-zåäöéü]+(?:\s+[A-ZÅÄÖ][a-zåäöéü]+){{1,3}},\s+(?:[a-zåäö-]+\s+)?(?i:{POSTS}|"
                     r"ambassador\w*|director\w*|chair\w*|head of\b|state secretary|deputy\b|rådgivare|adviser|"
                     r"advisor|spokesperson)"
                     # Or as the one who says something: "säger Patrick Reslow", "said Anna Ek".
                     r"|\b(?:säger|sa|sade|says|said)\s+[A-ZÅÄÖ][a-zåäöéü]+(?:-[A-ZÅÄÖ][a-zåäöéü]+)?\s+[A-ZÅÄÖ][a-zåäöéü]+")
_NAME = re.compile(r"\b([A-ZÅÄÖ][a-zåäöéü]+)(?:-[A-ZÅÄÖ][a-zåäöéü]+)?\s+(?:[A-ZÅÄÖ]\.\s+)?[A-ZÅÄÖ][a-zåäöéü]{2,}")


@functools.cache
def _given_names() -> frozenset[str]:
    text = (resources.files("assistant") / "data" / "first_names.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


# A name by its surname's form ("Karin Ekdahl", "Per Wennerström") or by the party after it
# ("Aida Hadzialic (S)"), whatever the given name.
_SURNAMED = re.compile(r"\b[A-ZÅÄÖ][a-zåäöéü]++\s+[A-ZÅÄÖ][a-zåäöéü]++(?:(?:(?<=sson)|(?<=ström)|(?<=qvist)|"
                       r"(?<=kvist)|(?<=gren)|(?<=dahl)|(?<=stedt)|(?<=feldt)|(?<=berg))\b|"
                       r"\s+\((?:S|M|SD|C|V|KD|L|MP)\))")


# The holder named by post and body: "Rådet ska ledas av myndighetschefen för Kommerskollegium". The
# body must be news ("myndighetschefen för Kommerskollegium" does not say who heads Kommerskollegium),
# and the post another than the one asked about ("ambassadör vid EU" does not say who is ambassador).
# (A presidency or a council is no post: "ordförandeskapet i Nordiska ministerrådet".)
_POST_OF_BODY = re.compile(rf"\b(?P<post>(?i:(?![\wåäö]*(?:skap|skapet|rådet|ministeri\w*)\b)\w*(?:{POSTS})))"
                           r"\s+(?:för|vid|på|i)\s+(?P<body>[A-ZÅÄÖ][\wåäö-]+)")


def names_person(text: str, exclude: str) -> bool:
    """A known given name followed by a capitalised surname, a surname by its form, or a title
    followed by a name."""
    names = _given_names()
    found = (m for m in _NAME.finditer(text) if m.group(1) in names)
    return any(is_new(m, exclude) for m in found) or finds(_SURNAMED, text, exclude) or \
        any(_new_titled(m, exclude) for m in _TITLED.finditer(text)) or \
        any(_new_post_holder(m, exclude) for m in _POST_OF_BODY.finditer(text))


_CAPITALISED = re.compile(r"[A-ZÅÄÖ][\wåäöéü-]+")


def _new_titled(match: re.Match[str], exclude: str) -> bool:
    """A titled name is new only if its name is: "civilminister Erik Slottner" names no one new beside
    "Vem efterträdde Erik Slottner som civilminister?", whatever the title's place."""
    named = _CAPITALISED.findall(match.group(0).split(",")[0])
    return is_new(match, exclude) and not (len(named) >= 2 and uses(exclude, " ".join(named[-2:]).casefold()))


def _new_post_holder(match: re.Match[str], exclude: str) -> bool:
    body, post = match.group("body").casefold(), match.group("post").casefold()
    asked_post = re.search(rf"\b{re.escape(post[:5])}", exclude) is not None  # "ambassadör", "ambassador"
    return not asked_post and not any(uses(exclude, form) for form in (body, body.removesuffix("s")))
