"""What a question specifies about the fact it asks for, beyond its kind: the event a date is of,
the year a figure is for, the stage of a report, whether it wants a day, the unit a measure is in
and the post a person is asked by. A unit stating the asked-for kind of fact answers only if it
fits each of these (``AskedFact.fits``); ``selection`` builds one ``AskedFact`` per question.

Regex work only: a few searches per question, a few per candidate unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.answer.answer_type import AnswerType
from assistant.answer.asked_kind import asked_place
from assistant.answer.events import (
    asked_event,
    asks_for_a_day,
    report_stage_differs,
    report_stages,
    speaks_of,
    states_a_day,
)
from assistant.answer.fact_forms import names_a_deadline, place_opened
from assistant.answer.figures import in_its_year, states_another_year, years_of
from assistant.answer.number_words import NUMBER_WORDS
from assistant.answer.question_cues import ASKS_WHO_LEADS_AN_INQUIRY
from assistant.answer.whose import CountriesAsked

_WHEN = (AnswerType.DATE, AnswerType.DEADLINE)
# A period counted from an event ("How long after notifying the grid company …?", "Hur lång tid efter
# Grüne Woche …?") is stated counted from one: "14 dagar efter en anmälan", "inom två år från ett
# föreläggande", "fem månader senare".
_ASKS_AFTER = re.compile(r"\b(?:after|efter)\b", re.IGNORECASE)
_SPAN_AFTER = re.compile(rf"\b(?:\d+|{NUMBER_WORDS}) (?:dagar|dygn|veckor|månader|år|days|weeks|months|years) "
                         r"(?:efter|från|after|from|senare|later)\b", re.IGNORECASE)

# The kinds of fact that are figures: asked for a year ("How much aid did Sweden give in 2022?") or
# as it stands now.
FIGURES = frozenset({AnswerType.MONEY, AnswerType.PERCENT, AnswerType.COUNT, AnswerType.QUANTITY})
# A figure asked for as it stands now ("Och hur stor är andelen i dag?") is the one a text states
# as now ("I dag har samma siffra sjunkit till 1 procent"), not a study's from 1997.
# ("… jämfört med i dag?" asks for a new figure, compared with the present one.)
# ("under today's unemployment insurance" says which system is meant, not when the figure is.)
_ASKS_NOW = re.compile(r"(?<!med )(?<!with )(?<!to )(?<!än )(?<!than )"
                       r"\b(?:i dag|idag|today(?!['’]s)|nowadays|currently|at present|at the moment|right now|"
                       r"för närvarande|för tillfället|i nuläget|numera|just nu)\b|"
                       r"\b(?:nu|now)\s*\?", re.IGNORECASE)
# A figure stated as now opens its sentence so: "I dag har samma siffra sjunkit till 1 procent" (not
# the day of a news item: "Regeringen presenterar idag ett åtgärdspaket bestående av två delar").
_STATES_NOW = re.compile(r"^\W*(?:(?:men|och|but|and)\s+)?(?:i dag|idag|today|nowadays|currently|at present|"
                         r"at the moment|för närvarande|för tillfället|i nuläget|numera|nu|now)\b", re.IGNORECASE)

# The time first set, asked apart from the one that replaced it ("What was the original deadline …?",
# "Vilket datum gällde ursprungligen?"), and a sentence telling of it ("Enligt de ursprungliga
# direktiven skulle utredaren redovisa …").
_ORIGINALLY = r"originally|initially|ursprungligen|från början|inledningsvis"
_ORIGINAL = re.compile(rf"\b(?:original|initial|ursprunglig\w*|{_ORIGINALLY})\b", re.IGNORECASE)
# (The time itself first set: "the original deadline", "ursprungligen"; not "när beslutades de
# ursprungliga direktiven?", the date of the original thing.)
_ASKS_ORIGINAL = re.compile(r"\b(?:original|initial|first|ursprungliga?|första)\s+(?:deadline|date|time limit|"
                            r"due date|datum(?:et)?|tidsgräns(?:en)?|slutdatum(?:et)?|redovisningsdatum(?:et)?)\b|"
                            rf"\b(?:{_ORIGINALLY})\b", re.IGNORECASE)

# A figure for a part of what was just counted opens so: "Av dessa barn har drygt 40 460 fått det
# särskilda kortet" does not say how many downloaded it, unless the question asks for a part
# ("How many of them …?", "Hur stor del av …?").
_OF_THESE = re.compile(r"^\W*(?:av dessa|av dem|varav|of these|of them|of those)\b", re.IGNORECASE)
_ASKS_A_PART = re.compile(r"\b(?:av dessa|av dem|av de|av det|av detta|av den|of these|of them|of those|of the|"
                          r"of that|of this|of it|(?:much|many) of|del av|andel\w*|part of|share of|proportion of)\b",
                          re.IGNORECASE)

# A date asked for as proposed ("When were the new custody rules proposed to enter into force?") is
# the one a proposal names ("Ändringarna ska enligt förslaget träda i kraft den 1 juli 2006"), not
# a decided rule's ("Förordningarna träder i kraft den 31 mars 2017").
_PROPOSAL = re.compile(r"\b(?:föreslå\w*|förslag\w*|proposition\w*|propos(?:e|es|ed|al|als)|bill)\b", re.IGNORECASE)

# Events a date is preferred for, not required to be stated with: "Since what year has Sweden been
# part of Ecris?" is answered by "Sverige anslöt sig till Ecris-systemet 2013" as well as by a
# "sedan 2013".
_PREFERRED_ONLY = frozenset({"since"})

_KILOS, _TONNES = r"\bkilo\w*|\bkg\b", r"\bton(?:ne)?s?\b"  # as a text writes them
# A measure asked for in a unit ("in grams", "per litre", "i kilo"), and how a text writes that
# unit in either language: "What daily salt intake in grams …?" is not answered by a sum of money,
# nor "the energy tax on diesel per litre" by a tax per kilowatt hour.
_UNITS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = tuple(
    (re.compile(rf"\b(?:(?:in|per|i|how many|hur många) |what (?:total |maximum |minimum )?)(?:{asked})\b",
                re.IGNORECASE),
     re.compile(written, re.IGNORECASE))
    for asked, written in (
        (r"grams?|gram", r"\bgram\w*|\d\s?g\b"),
        (r"kilos?|kilograms?|kg|kilo", _KILOS),
        # A weight asked for ("Up to what total weight …?") is given in tonnes or kilos.
        (r"weight|vikt", rf"{_TONNES}|{_KILOS}"),
        (r"tonnes?|tons?|ton", _TONNES),
        (r"litres?|liters?|liter", r"\blit(?:er|re)\w*|\d\s?l\b"),
        (r"kilometres?|kilometers?|kilometer|km", r"\bkilomet\w*|\bkm\b|\d\s?mil\b"),
        # ("kilowattimme": Swedish writes the compound's two t's as one.)
        (r"kilowatt[- ]hours?|kwh|kilowattimm\w*", r"\bkilowatt-?t?imm\w*|\bkilowatt[- ]hours?\b|\bkwh\b"),
        (r"megawatts?|mw|megawatt", r"\bmegawatt\w*|\bmw\b"),
    ))


# A person asked for by post ("Which state secretaries also attended?", "Vilken minister …?") is
# named with that post: "Även statssekreterarna Modig, Nilsson och Noreback deltog", not the
# ministers of the sentence before.
_POSTS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = tuple(
    (re.compile(asked, re.IGNORECASE), re.compile(written, re.IGNORECASE))
    for asked, written in (
        (r"\bstate secretar(?:y|ies)\b|\bstatssekreterar\w*", r"statssekreterar\w*|\bstate secretar\w*"),
        (r"\b(?:which|what|vilken|vilka) (?:[\w-]+ )?(?:ministers?|ministrar|ministern|statsråd\w*)\b",
         r"minister\w*|statsråd\w*"),
        (r"\bambassadors?\b|\bambassadör\w*", r"ambassad\w*"),
        (r"\bdirectors?[- ]general\b|\bgeneraldirektör\w*", r"generaldirektör\w*|\bdirector[- ]general\b"),
        # "And who is the new vice chair?" is not answered by the new chair.
        (r"\bvice[- ]?(?:chair\w*|president|ordförande)\b|\bdeputy chair\w*",
         r"\bvice[- ]?(?:ordförande|chair\w*|president)\b|\bdeputy chair\w*"),
        # "Who is leading the new inquiry …?" is answered by "Utredare är …", not by a minister quoted.
        (rf"\binvestigators?\b|\butredare\w*|{ASKS_WHO_LEADS_AN_INQUIRY}",
         r"utredare\w*|\binvestigator\w*|\b(?:leds|ledas|leddes|letts) av\b|\bleder utredningen\b|\bhead(?:ed|s)? by\b|"
         r"\bled by\b"),
    ))


def asked_post(question: str) -> re.Pattern[str] | None:
    """How a text writes the post ``question`` asks a person by, or ``None``."""
    return next((written for asked, written in _POSTS if asked.search(question)), None)


def asked_unit(question: str) -> re.Pattern[str] | None:
    """How a text writes the unit ``question`` asks its measure in ("in grams" → "gram", "g"), or
    ``None`` when it names none."""
    return next((written for asked, written in _UNITS if asked.search(question)), None)


def _asked_stages(answer_type: AnswerType | None, asked: str) -> frozenset[str]:
    """The stages of reporting a question about a report asks about (``report_stages``). A time limit
    asked for without a stage is the whole assignment's, its final report's: "By when must the
    assignment be reported?" is not answered by the interim report's day."""
    stages = report_stages(asked)
    return stages or (frozenset({"final"}) if answer_type is AnswerType.DEADLINE else stages)


@dataclass(frozen=True, slots=True)
class AskedFact:
    """What ``question`` (its own words: ``asked``; those naming its years and figures: ``figures``)
    specifies about a fact of ``answer_type``."""

    event: str | None
    day: bool
    years: frozenset[int]
    stages: frozenset[str]
    unit: re.Pattern[str] | None
    post: re.Pattern[str] | None
    answer_type: AnswerType | None
    after: bool = False  # a period counted from an event ("how long after …?")
    now: bool = False  # a figure as it stands now ("… i dag?")
    proposed: bool = False  # the date of an event as proposed ("… proposed to enter into force?")
    place: int | None = None  # the item asked for by its place ("What is the second one?": 2)
    part: bool = True  # a figure for a part of what was counted may answer ("How many of them …?")
    original: bool = False  # the time first set, not the one that replaced it ("the original deadline")
    # The countries a figure is asked of, and in what role ("… till Indonesien").
    countries: CountriesAsked = field(default_factory=CountriesAsked)

    @classmethod
    def of(cls, answer_type: AnswerType | None, *, asked: str, figures: str) -> AskedFact:
        event = asked_event(asked) if answer_type in _WHEN else None
        return cls(event=event, day=answer_type in _WHEN and asks_for_a_day(asked),
                   years=frozenset(years_of(figures)),
                   stages=_asked_stages(answer_type, asked) if event == "reported" else frozenset(),
                   unit=asked_unit(figures), answer_type=answer_type,
                   post=asked_post(asked) if answer_type is AnswerType.PERSON else None,
                   after=answer_type is AnswerType.DURATION and _ASKS_AFTER.search(asked) is not None,
                   now=answer_type in FIGURES and _ASKS_NOW.search(asked) is not None,
                   proposed=event is not None and _PROPOSAL.search(asked) is not None,
                   place=asked_place(asked) if answer_type is AnswerType.NTH else None,
                   part=answer_type not in FIGURES or _ASKS_A_PART.search(asked) is not None,
                   original=answer_type in _WHEN and _ASKS_ORIGINAL.search(asked) is not None,
                   countries=CountriesAsked.of(figures) if answer_type in FIGURES else CountriesAsked())

    def of_its_event(self, text: str) -> bool:
        """Whether ``text`` itself speaks of the event the time is asked of ("… träda i kraft den
        1 mars" for "when does the law enter into force?"); never when no event is named."""
        return self.event is not None and speaks_of(self.event, text)

    def counts_from_the_event(self, text: str) -> bool:
        """Whether ``text`` states a period counted from an event ("14 dagar efter en anmälan") for a
        question asking how long after one; never for another question."""
        return self.after and _SPAN_AFTER.search(text) is not None

    def dates_its_event(self, text: str) -> bool:
        """Whether ``text`` speaks of the event the date is asked of (``of_its_event``) and, for an
        event asked of as proposed, of a proposal too."""
        return self.of_its_event(text) and (not self.proposed or _PROPOSAL.search(text) is not None)

    def of_the_present(self, text: str) -> bool:
        """Whether ``text`` states its figure as now ("I dag …", "currently") for a question asking
        for a figure as it stands now; never for another question."""
        return self.now and _STATES_NOW.search(text) is not None

    def names_the_time_asked(self, seen: str, *, stated: str) -> bool:
        """Whether a unit (``seen``: as read; ``stated``: with its list) names the time the question
        asks for: a time limit for "by when?" ("senast den …"), the event's own date for "when does
        the law enter into force?" ("… träda i kraft den 1 mars"), a period counted from the event
        asked after, a figure stated as now for "… i dag?"; for the time first set ("the original
        deadline"), the sentence telling of it, not the limit that replaced it."""
        if self.original:
            # (A deadline first set is one to report by: "skulle utredaren redovisa … den 28
            # februari", not the date a change was decided "to unlike the original terms".)
            return _ORIGINAL.search(seen) is not None and (
                self.answer_type is not AnswerType.DEADLINE or names_a_deadline(stated) or speaks_of("reported", seen))
        return (self.answer_type is AnswerType.DEADLINE and names_a_deadline(stated)) \
            or (self.answer_type is AnswerType.DATE and self.dates_its_event(seen)) \
            or self.counts_from_the_event(seen) or self.of_the_present(seen)

    def fits(self, stated: str, *, context: str, before: str, heading: str = "") -> bool:
        """Whether ``stated`` (a unit as read, with its list) states the fact so specified: of the
        event (in the unit or in ``context``, its paragraph; not required of an event only
        preferred, ``_PREFERRED_ONLY``), not of another year than asked (the
        year read from the unit or the 300 characters ``before`` it), of the report stage asked,
        naming a day when one is asked for, in the unit asked, naming the post a person is asked by
        (or under a ``heading`` naming it: a programme's entries under "Justitieminister …"), opening
        as the item in the place asked ("För det andra …" for "the second one"), not a part of what was
        just counted ("Av dessa …") unless a part is asked for, not a figure of another country in the
        role the question names its own in ("till Indien" for "till Indonesien")."""
        return (self.event is None or self.event in _PREFERRED_ONLY or self.of_its_event(stated)
                or self.of_its_event(context)) \
            and not states_another_year(self.answer_type, self.years, in_its_year(stated, before)) \
            and not report_stage_differs(self.stages, stated) \
            and not (self.day and not states_a_day(stated)) \
            and (self.unit is None or self.unit.search(stated) is not None) \
            and (self.post is None or self.post.search(f"{heading}\n{stated}") is not None) \
            and (self.place is None or place_opened(stated) == self.place) \
            and (self.part or _OF_THESE.search(stated) is None) \
            and not self.countries.another_in_the_same_role(stated)
