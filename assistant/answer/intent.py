"""What kind of answer a question wants: document metadata, who is responsible, or passages.

Cue words in English and Swedish decide; a question may ask for several metadata fields
("when and by whom was it adopted?").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from assistant.answer.events import cue as _cue


class Intent(StrEnum):
    METADATA = "metadata"
    RESPONSIBILITY = "responsibility"
    GENERAL = "general"


@dataclass(frozen=True, slots=True)
class QuestionIntent:
    intent: Intent
    fields: tuple[str, ...] = ()


# "When"/"när" asks only as the question's word, at its start or after a colon, a comma or an earlier
# question ("The Tierp plan: when was it adopted?", a follow-up joined to the question before it);
# inside the question it opens a clause: "What should weigh when deciding whether a fraud is
# aggravated?" asks nothing of a date.
_WHEN = (r"(?:(?:^|[:,;–?.!]\s*)\W*(?:(?:and|och|so|but|men)\s+)?(?:when|när)|what date|which date|\bdate|"
         r"vilket datum|datum)")
# Field → cues. Order matters only for the order of fields in an answer.
_FIELD_CUES: list[tuple[str, re.Pattern[str]]] = [
    ("adopted_date", _cue(rf"{_WHEN}\b.*\b(?:adopt|approv|decid|pass|enact)|"
                          r"\b(?:antogs|antagen|antaget|fastställdes|fastställd|beslutades|beslutad|beslutat)\b"
                          rf".*\b{_WHEN}|{_WHEN}\b.*\b(?:antogs|antagen|antaget|fastställ|beslut)")),
    ("adopted_by", _cue(r"\b(?:who|which (?:body|committee|board|council)|by whom)\b.*\b(?:adopt|approv|decid|pass)|"
                        r"\bvem\b.*\b(?:antog|fastställde|beslutade|beslutat|fastställt)|\bav vem\b|"
                        r"\bvilken (?:nämnd|instans|organ)\b.*\b(?:antog|fastställde|beslutade)")),
    ("valid_until", _cue(r"valid until|valid through|\bexpir|how long\b.*\bvalid|\bvalid\b.*\buntil|"
                         r"\buntil when\b.*\bvalid\b|\btill när\b.*\b(?:gäller|giltig)|"
                         r"gäller (?:till|t\.? ?o\.? ?m)|giltig (?:till|t\.? ?o\.? ?m)|hur länge gäller|"
                         r"sista giltighet|slutdatum|end date")),
    ("valid_from", _cue(r"valid from|in force (?:from|since)|effective (?:from|date)|gäller från|giltig från")),
    ("revision_date", _cue(r"\brevis|\brevid|\breview(?:ed)?\b|be updated|next update|ska ses över")),
    ("registration_number", _cue(r"registration number|reference number|case number|file number|diarienummer|"
                                 r"\bdnr\b|diarienr")),
    ("document_owner", _cue(r"document owner|owner of the (?:document|policy|plan|programme|program)|"
                            r"who owns the (?:document|policy|plan|programme|program)|dokumentansvarig|"
                            r"dokumentägare|ansvarig för dokumentet")),
    ("published_date", _cue(r"\bpublish|\bpublicer")),
    ("issued_by", _cue(r"issued by|who issued|which department issued|utfärdat|utfärdad|gett ut|gav ut")),
    ("version", _cue(r"\bversion\b")),
]
_RESPONSIBILITY = _cue(
    r"\b(?:who|whom|which (?:role|unit|department|person|committee|board))\b.*\b(?:responsib|in charge|owns?\b|"
    r"leads?\b|handles?\b|accountable|does|carry|carries|runs?\b|coordinat|follow)|"
    r"\b(?:vem|vilka|vilken|vilket)\b.*\b(?:ansvar|huvudansvar|håller i|leder|äger|ska göra|genomför|samordna)|"
    # (Not criminal responsibility: "What age of criminal responsibility …?" asks an age.)
    # (Nor the principle of responsibility, ansvarsprincipen: "What does it mean?" asks a definition.)
    r"(?<!criminal )(?<!principle of )\bresponsib(?!ility principle)|(?<!straffrättsligt )\bansvar(?!sprincip)|"
    # Asked as a keyword: "leisure card for children – lead agency?"
    r"\blead (?:agency|authority|body|organi[sz]ation)\b")


_WHY = _cue(r"\b(?:why|varför)\b")


# Fields that name who: "who adopted it?" is metadata, "who is responsible for revising it?" is not.
_WHO_FIELDS = frozenset({"adopted_by", "document_owner", "issued_by"})


def classify(question: str) -> QuestionIntent:
    """The intent of ``question``. Cost: a few regular expressions."""
    fields = tuple(name for name, cue in _FIELD_CUES if cue.search(question))
    # "Varför menar hon att Sverige har ett särskilt ansvar?" asks a reason, not who is responsible.
    responsibility = _RESPONSIBILITY.search(question) is not None and not _WHY.search(question)
    if fields and not (responsibility and not _WHO_FIELDS.intersection(fields)):
        return QuestionIntent(Intent.METADATA, fields)
    if responsibility:
        return QuestionIntent(Intent.RESPONSIBILITY)
    return QuestionIntent(Intent.GENERAL)
