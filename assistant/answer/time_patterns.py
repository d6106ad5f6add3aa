"""The written forms of a time, as patterns: a date (a year, a day and month, a season) and a time
named relative to now or to an event (``DATE_TEXT``, ``RELATIVE_DATE``, read by ``fact_patterns``'
date and deadline forms), how long a thing lasts by when it ends or by what it is (``LASTING``),
and a limit counted from now or from an event (``WITHIN``). Data only: ``fact_forms`` says whether
a text states a fact.
"""

from __future__ import annotations

from assistant.answer.events import MONTHS
from assistant.answer.events import cue as _cue
from assistant.answer.number_words import NUMBER_WORDS, ORDINAL_WORDS, YEAR

# A year, but not the year of a statute's number: "förordningen (2009:907)" dates nothing.
# (Nor the session year of a bill's number: "prop. 2017/18:243", nor an EU act's: "förordning (EU)
# 2019/1020".)
# A month is read with its day, or days ("den 14-15 december", "December 14"): a question naming the
# month ("the December meeting") has not named the date.
# (Nor the year of a document's code, "SWD(2023) 141", "COM(2023) 258", or of an act's old-style number,
# "förordning (EU) nr 347/2013".)
# (A year before 1900 only beside a word dating it: "Den grundades av Gustav II Adolf 1631.")
# (A year before the 1900s opening a sentence before its verb, a fronted time: "1775 fick Aaron Isaac
# rätt att …"; not a count: "1500 personer deltog"; or after the subject, "Så fattigt att vi 1867
# rentav fick humanitärt bistånd …".)
_PAST_VERB = r"(?:fick|kom|blev|var|gick|tog|gav|fanns|hade|(?-i:[a-zåäö])\w*(?:de|te|des|tes)\b)"
_ADVERB = r"(?:(?:rentav|redan|till och med|också|även|ju)\s+)"
DATE_TEXT = rf"(?<![A-Z]\()(?<!\d/)\b{YEAR}\b(?!:\d|/\d\d:|/\d{{3,}})|" \
             rf"\b(?:\d{{1,2}}(?:\s*[–-]\s*\d{{1,2}})?(?::[ae])?\s+)?(?:{MONTHS})\b(?:\s+\d{{1,2}}\b)?|" \
             r"\b\d{4}-\d{2}-\d{2}\b|\bvecka \d+|" \
             r"\bden \d{1,2}/\d{1,2}\b|\b(?:vår|höst)(?:en|terminen)\b|" \
             r"\b(?:grunda\w*|bildad\w*|instiftad\w*|uppförd\w*|byggd\w*|founded|established|built|år|sedan|since)\b" \
             r"[^.;]{0,40}?(?<=\s)1[0-8]\d\d\b(?!\s*(?:kr\b|kronor|%|procent|meter|st\b))|" \
             rf"^\W*1[0-8]\d\d(?=\s+{_PAST_VERB})|" \
             rf"\b(?:vi|jag|du|han|hon|de|man|och)\s+1[0-8]\d\d(?=\s+{_ADVERB}?{_PAST_VERB})"
_NTH = "|".join(sv for place, (sv, _) in ORDINAL_WORDS.items() if place >= 3)
_ORDINAL_SV, _ORDINAL_EN = ("|".join(words) for words in zip(*ORDINAL_WORDS.values(), strict=True))
# A number of days, weeks, months or years: "tre månader", "30 working days".
_SPAN_OF_TIME = (rf"(?:\d+|{NUMBER_WORDS}|en|ett|one|a)\s+(?:arbets)?(?:dagar|dag|veckor|vecka|månader|månad|år|"
                 r"working days?|days?|weeks?|months?|years?)\b")
# Such a span counted from an event: "tre månader efter att uppdraget har slutredovisats".
_AFTER_EVENT = rf"\b{_SPAN_OF_TIME}\s+(?:efter|after)\s+(?:att|det att|that|the)\b"
# A time named relative to now or to an event, as often as by a date: "nästa år", "samma dag",
# "i höst", "vid årsskiftet", "sitt fjärde år", "next year", "the same day", "in the autumn".
RELATIVE_DATE = (r"\b(?:nästa|förra|kommande|innevarande|samma|följande|föregående) (?:år(?:et)?|dag(?:en)?|"
                  r"vecka(?:n)?|månad(?:en)?|höst|vår|sommar|vinter)\b|\bi (?:år|höst|vår|sommar|vinter)\b|"
                  r"\b(?:sommaren|vintern)\b|\b(?:halv)?årsskiftet\b|\b(?:första|andra|tredje|fjärde) kvartalet\b|"
                  rf"\b(?:{_ORDINAL_SV}) året\b|\b(?:sitt|dess|sin) (?:\w+ )?(?:första|{_NTH}) år\b|"
                  # A day counted in a period: "från och med den första sjukdagen", "the seventh day of …".
                  # (A day of a kind, not "Statsbesökets tredje dag", a day of a programme.)
                  rf"\b(?:{_ORDINAL_SV}) [a-zåäö]+dag(?:en)?\b|\b(?:{_ORDINAL_EN}) (?:[a-z]+ )?day of\b|"
                  r"\b(?:next|last|this|the same|the following|the coming|the previous) (?:year|day|week|month|spring|"
                  r"summer|autumn|fall|winter)\b|\b(?:in|during|by|until) (?:the )?(?:spring|summer|autumn|winter)\b|"
                  r"\bturn of the year\b|\b(?:first|second|third|fourth) quarter\b|"
                  # A time counted from an event: "Tre månader efter att uppdraget har slutredovisats".
                  rf"{_AFTER_EVENT}")
# How long, by when it ends or by what the thing is (searched only in a text with one of
# ``LASTING_HINTS``: tried at every word, the number words would cost each sentence as much again).
LASTING = _cue(
    # How long by when it ends: "till och med december 2023", "until 1 May".
    rf"\b(?:till och med|t\.o\.m\.|fram till|until|up to and including)\s+(?:den\s+)?"
    rf"(?:\d{{1,2}}\s+(?:{MONTHS}|may)\b|(?:{MONTHS})\b|{YEAR}\b)|"
    # How long by the end it lasts to: "… som del i trojkan till utgången av 2022", "until the end of 2025".
    rf"\b(?:till|until|to)\s+(?:utgången|slutet|the end)\s+(?:av|of)\s+(?:år\s+)?(?:{YEAR}\b|{MONTHS}\b)|"
    # How long by when it stops applying: "Förordningen upphör att gälla vid utgången av 2022.", "expires at
    # the end of 2025".
    rf"\b(?:upphör|upphörde|upphöra)\s+att\s+gälla\s+(?:vid|den|med|från|efter)\s+(?:utgången\s+av\s+|slutet\s+av\s+)?"
    rf"(?:den\s+)?(?:\d{{1,2}}\s+(?:{MONTHS})\b|(?:{MONTHS})\b|{YEAR}\b)|"
    rf"\b(?:expires?|expired|ceases? to apply)\s+(?:on|at|in|by)\s+(?:the end of\s+)?(?:\d{{1,2}}\s+)?"
    rf"(?:{MONTHS}|may|{YEAR})\b|"
    # "Denna del ska pågå till den 30 december 2023."
    # ("De globala mål … som finns idag gäller till år 2020.")
    rf"\b(?:pågå|pågår|gäll\w*|löp\w*)\s+(?:fram\s+)?till\s+(?:den\s+|år\s+)?"
    rf"(?:\d{{1,2}}\s+(?:{MONTHS})\b|(?:{MONTHS})\b|{YEAR}\b)|"
    # How long a plan runs by what it is: "en tioårig strategi", "10-åriga
    # forsknings- och utvecklingsprogram" (not "en tvåårig utbildning": a kind of
    # education, not how long anything lasts).
    rf"\b(?:\d+-|{NUMBER_WORDS})(?:årig|månaders)\w*\s+"
    r"(?:[a-zåäö-]+\s+){0,3}?"
    r"[a-zåäö-]*(?:strategi|program|period|plan|avtal|satsning|projekt|försök|mandat|"
    r"åtagande)\w*|"
    # Or said of the thing: "Därför gör vi grundskolan tioårig."
    rf"\b(?:\d+-|{NUMBER_WORDS})årig[at]?\b(?=\s*[.,;:!?]|\s+(?:och|samt|and)\b)")
LASTING_HINTS = ("till och med", "fram till", "until", "up to and including", "t.o.m.", "pågå", "gäll", "löp", "årig",
                  "expire", "cease",
                  "månaders", "utgången av", "slutet av", "end of")
# A time limit counted from now or from an event: "inom tre månader", "senast om sex år", "within 30 days".
WITHIN = _cue(rf"\b(?:inom|senast om|senast inom|within|no later than)\s+{_SPAN_OF_TIME}|"
               # "Tre månader efter att uppdraget har slutredovisats ska … återbetala": a limit from an event.
               rf"{_AFTER_EVENT}")
