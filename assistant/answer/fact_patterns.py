"""The written forms of each kind of fact, as patterns: ``STATES`` (one per answer type: "12 per cent",
"två tredjedelar", "fjorton myndigheter", "25 million kronor", "inom tre månader" …), and the forms
``fact_forms`` reads beside them (a ratio, a figure given against another, a measure; a time's forms
are in ``time_patterns``, a body's or a place's name in ``body_patterns``). Data only:
``fact_forms`` says whether a text states a fact.
"""

from __future__ import annotations

import re

from assistant.answer.answer_type import AnswerType
from assistant.answer.events import MONTHS
from assistant.answer.events import cue as _cue
from assistant.answer.number_words import (
    ABOUT_SO_MANY,
    NUMBER_WORDS,
    ONLY_ONE,
    ORDINAL_WORDS,
    ORDINALS_EN,
    ORDINALS_SV,
    YEAR,
    factored,
)
from assistant.answer.time_patterns import DATE_TEXT, RELATIVE_DATE

# "var tredje år": every n-th year by its Swedish ordinal, from the second.
_ORDINALS_FOR_FREQUENCY = "|".join(sv for place, (sv, _) in ORDINAL_WORDS.items() if place >= 2)

# A share in words: "hälften", "två tredjedelar", "var tredje", "a quarter of", "the majority of".
_SHARE_WORDS = factored([
    "hälften", "majoriteten", "en majoritet", "minoriteten",
    *(f"{count} {part}" for count in ("en", "två", "tre", "fyra")
      for part in ("halv", "tredjedel", "tredjedelar", "fjärdedel", "fjärdedelar", "femtedel", "femtedelar",
                   "tiondel", "tiondelar")),
    # "var tredje kommun", "vart tredje jobb" (a neuter noun), "varannan", "vartannat".
    *(f"{every} {nth}" for every in ("var", "vart") for nth in ("tredje", "fjärde", "femte", "tionde")),
    "var annan", "varannan", "vart annat", "vartannat",
    *(f"{part} of" for part in ("half", "a third", "two thirds", "a quarter", "three quarters", "a fifth",
                                "a tenth", "the majority", "a majority")),
    # A share named without a figure: "en bråkdel av", "en mindre del av", "merparten", "nästan alla".
    "en bråkdel", "halva", "merparten", "huvuddelen", "flertalet", "nästan alla", "närapå alla",
    *(f"en {size} del av" for size in ("liten", "mindre", "stor", "större", "betydande")),
    "a fraction of", "the bulk of", "almost all", "nearly all",
    *(f"a {size} {part} of" for size in ("small", "smaller", "large", "larger")
      for part in ("part", "share", "proportion"))])
# Units of measure after a number: a power, a distance, a weight, a volume, not a count of things.
_MEASURES = r"kw\b|kwh\b|mw\b|mwh\b|gw\b|gwh\b|tw\b|twh\b|km\b|kg\b|ton\b|tonnes?\b|gram\b|liter\b|litres?\b|" \
            r"hektar\b|hectares?\b|kvadratmeter\b|kubikmeter\b|square met(?:re|er)s?\b|cubic met(?:re|er)s?\b"
# A measure stated: "30 TWh ny förnybar elproduktion", "0,5 hektar", "5,5 TWh per år".
MEASURED = _cue(rf"(?<![\w.,])\d(?:\d|[  ](?=\d))*(?:[.,]\d+)?\s*(?:{_MEASURES})")
# What millions count when they are no money: people and things ("1,3 miljoner personer", "två
# miljoner ton").
_COUNTED_MILLIONS = (r"personer|människor|invånare|barn|kvinnor|män|elever|ungdomar|unga|individer|hushåll|"
                     r"ton|doser|resor|resenärer|besökare|kubikmeter|liter|djur|träd|bostäder|jobb|användare|"
                     r"kunder|patienter|flyktingar|svenskar|år|timmar|dagar|exemplar|fordon|bilar")
# A sum in figures, its unit at least millions or kronor: "123,5 miljoner", "20 000 kronor".
_SUM = r"\b\d[\d  ]*(?:[.,]\d+)?\s*(?:miljon\w*|miljard\w*|kronor|mnkr|mkr)\b"
# ("över 300 miljoner mätpunkter": millions of a thing in the plural, not of kronor, whatever it is.)
_NOT_COUNTING = rf"(?!\s+(?:[a-zåäö]+a\s+)?(?:{_COUNTED_MILLIONS})\b)" \
                r"(?!\s+(?!(?:kronor|dollar|euro|pund|under|efter|över|eller|mer|fler|mindre)\b)[a-zåäö]{3,}(?:er|ar|or)\b)"


STATES: dict[AnswerType, re.Pattern[str]] = {
    AnswerType.MONEY: _cue(r"\d[\d  ]*(?:[.,]\d+)?\s*(?:kr\b|kronor|öre\b|sek\b|tkr|mnkr|mdkr|mkr|msek\b|mdsek\b|"
                           # Millions of another currency in its abbreviation: "35 MUSD", "12 MEUR".
                           r"musd\b|meur\b|mdusd\b|mdeur\b|"
                           r"miljon\w* kronor|"
                           # ("150 miljoner för 2026" is a sum; "1,3 miljoner personer" counts people.)
                           # ("med nästan 1 miljard för 2023": a sum in the singular too.)
                           rf"miljard\w* kronor|(?:miljon|miljard)(?:er)?\b{_NOT_COUNTING}|"
                           # "25 million kronor", "1.2 billion euros" (an English page's word order).
                           r"(?:million|billion|bn|m)\s+(?:kronor|kr\b|sek\b|euros?\b|eur\b|dollars?\b|usd\b)|"
                           r"euro\b|euros\b|eur\b|€|dollar|usd\b|pund\b|pounds?\b|£|nok\b|dkk\b)|"
                           r"\b(?:sek|eur|usd|€|\$|£)\s?\d|"
                           rf"\b(?=\w+(?: \w+)?\s+(?:miljon|miljard))(?:en|ett|en halv|en kvarts|{NUMBER_WORDS})\s+"
                           rf"(?:miljon|miljard)\w*\b{_NOT_COUNTING}|"
                           r"\bhalf a (?:million|billion) (?:kronor|euros?|dollars?)|"
                           # A sum in the law's unit of money: "sänks från två prisbasbelopp till ett och ett halvt".
                           rf"\b(?:\d+(?:[.,]\d+)?|{NUMBER_WORDS}|en|ett|halvt)\s+(?:pris|inkomst)?basbelopp\w*"),
    # A share in figures ("12 %", "12 procent", "12 per cent", "12 percentage points") or in words
    # ("två tredjedelar", "var tredje", "a quarter of", "one in five", "the majority").
    # ("90-procents utsläppsminskning", "en 50-procentig ökning": the figure joined to its unit.)
    AnswerType.PERCENT: _cue(r"\d+(?:[.,]\d+)?(?:\s*|-)(?:%|procent\w*|promille|per cent|percent\w*)|"
                             # In words as well as in figures: "högst tio procent", "five per cent".
                             rf"\b(?:{NUMBER_WORDS})\s+(?:procent\w*|promille|per cent|percent\w*)|"
                             # "en procent av bruttonationalinkomsten", "one per cent" (not "en procentenhet").
                             r"\b(?:en|one)\s+(?:procent|promille|per cent|percent)\b|"
                             # ("vart fjärde år" is how often, not how large a share.)
                             rf"\b{_SHARE_WORDS}\b(?!\s+(?:år|års|månad\w*|vecka|veckor|dag|dagar|gång))|"
                             r"\b(?:one|two|three) in (?:two|three|four|five|ten|\d+)\b|"
                             # "nio av tio kommuner", "28 av 30 medlemsstater", "nine out of ten".
                             # (the lookahead first: the number words are tried only before "av").
                             rf"\b(?=\w+ (?:av|out of) )(?:\d+|en|ett|{NUMBER_WORDS}) (?:av|out of) "
                             rf"(?:\d+|{NUMBER_WORDS})\b"
                             r"(?! (?:år|kap|§|years?))|"
                             # Half, said by the verb: "Vi halverar matmomsen", "the fee is halved".
                             r"\bhalver(?:a|ar|as|ade|ades|at|ats|ing\w*)\b|\bhalv(?:e|es|ed|ing)\b|"
                             # A part of a sum told as a sum: "123,5 miljoner av dessa", "varav 20 miljoner
                             # kronor", "of which SEK 20 million".
                             rf"{_SUM}\s+(?:kronor\s+)?av (?:dessa|dem|detta|det|beloppet|summan|medlen|pengarna)\b|"
                             rf"\bvarav\s+(?:cirka\s+|drygt\s+|knappt\s+|omkring\s+)?{_SUM}|"
                             # "Av dessa 26 miljarder kronor är 12,5 miljarder permanenta": the part after the whole.
                             rf"\bav (?:dessa|de)\s+{_SUM}(?:\s+kronor)?\s+(?:är|var|utgör|utgjorde)\s+"
                             rf"(?:cirka\s+|drygt\s+|knappt\s+|omkring\s+)?{_SUM}|"
                             r"\bof (?:which|this|these)\b[^.]{0,20}?\d[\d ,.]*\s*(?:million|billion)\b"),
    # A count: a number that is not a year, a date, a sum, a share, a period, a frequency or a
    # paragraph ("15 år", "1 augusti", "12 miljoner kronor", "två gånger per termin", "3 kap."), nor
    # part of a name ("CV90").
    # The number is taken whole (possessively), so "15 000 000 kronor" cannot be read as "15".
    # (Never from the middle of a group of digits: "08-405 82 41" is a phone number, not 82 41.)
    # Nor a name's number ending a sentence: "… målet för haven, SDG 14." ("GREVIO 41 rekommendationer" counts).
    AnswerType.COUNT: _cue(rf"(?<![\w.,:/-])(?<!\d )(?<!\d\u00a0)"
                           rf"(?!(?<=(?-i:[A-ZÅÄÖ])\s)\d+\.?\s*$)(?!{YEAR}\b)\d(?:\d|[  ](?=\d))*+(?:[.,]\d+)?+"
                           # Nor a number naming something: "the 1718 Committee", "Agenda 2030".
                           # (A sentence may end in its count: "För 2017 var antalet 101.")
                           # (Not a list's numeral, "1. När …".)
                           # (An English nationality is capitalised: "More than 40 Swedish companies",
                           # "300 European researchers" count.)
                           rf"(?![\da-zåäö]|,\d|\.(?!\s*$)|\s+(?-i:[A-ZÅÄÖ])(?!(?-i:[a-z]+)(?:ish|ian|ean|ese|ic)\s+(?-i:[a-z]))|"
                           rf"\s*(?:§|kap\b|%|procent|"
                           rf"kr\b|kronor|sek\b|eur\b|euro(?!p)|usd\b|dollar|€|tkr|mnkr|(?:miljon|miljard|million|billion)\w*\s+(?:kr\b|kronor|sek\b|euro|dollar)|"
                           # ("… sjunkit till 1,43 år 2024": a figure in a year, not a period.)
                           rf"per cent|percent|år\b(?!\s+{YEAR}\b)|års\b|månad|vecka|veckor|dag|dagar|timm|gång|"
                           rf"times\b|{_MEASURES}|{MONTHS})|[\d ]*[-–]|"
                           # The first number of a range whose unit follows the second: "från 25 till 20 procent".
                           r"\s+(?:till|to|och|and|eller|or)\s+\d+(?:[.,]\d+)?\s*(?:%|procent|per cent|percent|kr\b|"
                           rf"kronor|år\b|månader|veckor|dagar|{_MEASURES}))|"
                           # "ett 40-tal deltagare", "40-talet personer": about forty (not "på 70-talet").
                           r"\bett \d{2,3}-tal\b|"
                           r"(?<![\d-])\b\d{2,3}-talet\s+(?!var\b|och\b|har\b|hade\b|är\b)[a-zåäö]{4,}|"
                           # "Endast ett samråd är obligatoriskt": one, said as a count.
                           rf"\b(?:{ONLY_ONE}|{NUMBER_WORDS}|{ABOUT_SO_MANY}|"
                           r"flera hundra|tusentals|hundratals|(?:dozens|hundreds|thousands) of|"
                           # "en miljon artillerigranater", "two million doses" (not a sum of money).
                           # "uppemot en kvarts miljon unga", "half a million people".
                           rf"(?:en (?:kvarts|halv)|half a|a quarter of a|"
                           rf"en|ett|a|one|{NUMBER_WORDS}) (?:miljon|miljoner|miljard|miljarder|million|"
                           r"billion)(?!\s+(?:kr\b|kronor|sek\b|euro|dollar|pund|pounds?\b)))\b"
                           r"(?!\s+(?:år|månader|veckor|dagar|procent|kronor|gång|times\b|per cent|percent|"
                           r"(?:miljon|miljard|million|billion)\w*\s+(?:kr\b|kronor|sek\b|euro|dollar)))"),
    # "Uppdraget ska redovisas den 1 mars 2024" sets a time limit as "senast den" does, and so does
    # "slutredovisas i oktober 2024" ("redovisade uppdraget den 1 mars" dates a report that was made).
    # "Sista dagen att svara på remissen är den 19 januari 2026" names a last day as "senast" does.
    AnswerType.DEADLINE: _cue(rf"\b(?:senast|före|innan|till och med|t\.o\.m\.|by|before|no later than)\b[^.]{{0,40}}"
                              rf"(?:{DATE_TEXT})|"
                              rf"\b(?:sista (?:dag(?:en)?|datum(?:et)?)|closing date|last day)\b[^.]{{0,60}}"
                              rf"(?:{DATE_TEXT})|"
                              rf"\bska\b[^.]{{0,60}}?\b(?:\w*redovisas?|\w*rapporteras?|lämnas?|"
                              rf"vara (?:klar|slutförd|genomförd)\w*)\b[^.]{{0,60}}?\bden \d{{1,2}}\s+(?:{MONTHS})\b|"
                              # "… samt slutredovisas i oktober 2024": a report due, told in the present.
                              rf"\b\w*redovisas\s+(?:senast\s+)?(?:i|den \d{{1,2}})\s+(?:{MONTHS})\s+\d{{4}}\b"),
    AnswerType.DATE: _cue(rf"{DATE_TEXT}|{RELATIVE_DATE}"),
    # "tre sammanhängande månader", "two consecutive years": one describing word may stand between;
    # "18 kalendermånader", "tio arbetsdagar" count the same units.
    # ("upprätthållas i 90-dagar": the number joined to its unit.)
    AnswerType.DURATION: _cue(rf"\b(?:\d+-|(?:\d+|{NUMBER_WORDS}|ett|en)\s+(?:[a-zåäö]+\s+)?)"
                              r"(?:kalender|arbets)?(?:år|års|månader|månaders|månad|veckor|veckors|vecka|dagar|dagars|"
                              rf"dygn|dygns|timmar|timmars|years?|months?|weeks?|days?)\b|\b{YEAR}\s*[–-]\s*(?:{YEAR}|\d\d)\b|"
                              # "de senaste tre åren", "de första sex månaderna" (not "de 534 utökade timmarna",
                              # hours of teaching); "de sista sju kalenderdagarna" too.
                              r"\bde (?:senaste|första|sista|närmaste|kommande|följande|efterföljande|föregående)\s+"
                              rf"(?:\d+|{NUMBER_WORDS})\s+(?:kalender|arbets)?"
                              r"(?:åren|månaderna|veckorna|dagarna|dygnen|timmarna)\b|"
                              # "under de 12 första månaderna från det att förordningen trätt i kraft".
                              rf"\bde (?:\d+|{NUMBER_WORDS})\s+(?:första|sista|senaste|närmaste|kommande)\s+"
                              r"(?:kalender|arbets)?(?:åren|månaderna|veckorna|dagarna|dygnen|timmarna)\b|"
                              # "Strategin sträcker sig från 2023 till 2027", "from 2023 to 2027".
                              rf"\b(?:från|from)\s+(?:och med\s+)?{YEAR}\s+(?:till|to|until)\s+(?:och med\s+)?{YEAR}\b|"
                              r"\bunder perioden\b|\btidsbegränsa\w*|\bmandatperiod\w*|"
                              # "en femårsperiod", "ett halvår" (not "en tvåårig utbildning": what a thing is,
                              # not how long something lasts).
                              r"\b(?:ett|två|tre|fyra|fem|sex|sju|åtta|nio|tio)(?:årsperiod|månadersperiod)\w*|"
                              r"\bhalvår(?:et|s\w*)?\b|"
                              # The number of such units: "antalet anståndsmånader höjs från 9 till 12".
                              r"\bantal(?:et)? [a-zåäö]*(?:månader|år|veckor|dagar|dygn|timmar)\b.{0,40}?\d|"
                              # An age: "till och med 20 års ålder", "aged 16", "18 years old".
                              r"\b\d+\s+års ålder|\b\d+\s+år gamla?\b|\båldern \d+|\b\d+ years? (?:of age|old)\b|"
                              # An age reached: "I år fyller Sveriges nationaldag 20 som riktig helgdag".
                              r"\b(?:fyller|fyllde|fyllt|turns|turned)\s+(?:[\wåäö]+\s+){0,4}?\d+\b(?!\s*(?:%|procent))|"
                              r"\baged \d+|"
                              # A time bounded by a condition: "ska kunna gälla så länge EU-förordningen gäller".
                              r"\bså länge\b|\bas long as\b|\btills vidare\b|\buntil further notice\b"),
    AnswerType.FREQUENCY: _cue(r"\b(?:gång(?:er)?|gången) (?:per|om|i|varje)|\bårligen|\bvarje (?:år|månad|vecka|"
                               r"termin|kvartal)|\bper (?:år|månad|vecka|termin)|\bkvartals\w*|\bmånadsvis|\bveckovis|"
                               r"\bregelbundet|\bkontinuerligt|\blöpande\b|\bmandatperiod\w*|\bannually|"
                               r"\bevery (?:year|month|week)|"
                               # "varannan vecka", "vart tredje år", "dagligen", "twice a year", "quarterly".
                               r"\bvar(?:annan|tannat|t) (?:\w+ )?(?:år|månad|vecka|dag|termin)|\bdagligen\b|"
                               # "länderna ska var femte år uppdatera sina klimatplaner" ("var" before an
                               # ordinal; not "var ett år", was a year).
                               rf"\bvar (?:{_ORDINALS_FOR_FREQUENCY}) (?:år|månad|vecka|dag|termin)\b|"
                               r"\b(?:års|halvårs)vis\b|\bårlig(?:a|t)?\b|\bannual\b|"
                               r"\b(?:once|twice|\w+ times) (?:a|per|each|every) (?:year|month|week|day|"
                               r"term|quarter)|\b(?:yearly|monthly|weekly|daily|quarterly|biannually|regularly)\b|"
                               r"\bevery (?:\w+ )?(?:years|months|weeks|days)\b|"
                               # How many times: "har valts … tre gånger", "met 12 times", "twice".
                               rf"\b(?:\d+|{NUMBER_WORDS}|flera|ett flertal) gånger\b(?! så\b)|"
                               rf"\b(?:\d+|{NUMBER_WORDS}|several) times\b(?! (?:as|more|larger|higher|the)\b)|"
                               r"\b(?:twice|thrice)\b(?! as\b)"),
    AnswerType.CLOCK: _cue(r"\bkl\.?\s*\d{1,2}|\b\d{1,2}[.:]\d{2}\b|\b\d{1,2}(?:[.:]\d{2})?\s*[ap]\.?m\.?(?!\w)|"
                           r"\b\d{1,2}\s*[–-]\s*\d{1,2}\b.{0,10}"
                           r"(?:måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag|vardag)"),
    # A citation: an article or section by number, a statute's number, a report's or bill's series
    # number, a law by its name ("socialtjänstlagen", "miljöbalken", "förordningen (2009:907)").
    AnswerType.REFERENCE: _cue(r"\b(?:artikel|artiklarna|article|articles|section|paragraf)\s+\d+|\b\d+\s*(?:§|kap\.)|"
                               r"\(\d{4}:\d+\)|\b(?:SOU|Ds|prop\.|dir\.|skr\.|bet\.)\s?\d{4}(?:/\d{2})?:\w+|"
                               # ("direktiv (EU) 2022/2523", "det reviderade direktivet 2024/1275/EU")
                               r"\b(?:direktiv(?:et)?|förordning(?:en)?|regulation|directive)\s+(?:\((?:EU|EG|EEG)\)\s+)?"
                               r"(?:nr\s+)?\d+/\d+(?:/(?:EU|EG|EEG)\b)?|"
                               # ("förslagen", "underlagen", "anslagen" end as a law's name does.)
                               r"\b(?![a-zåäö-]*(?:förslagen|underlagen|anslagen|beslagen|inslagen|utslagen|avslagen|"
                               r"upplagen)\b)[a-zåäö-]{3,}(?:lagen|balken|förordningen)\b|"
                               r"\b[a-zåäö-]*(?:act|code)\b(?= \()|"
                               # A law by the name "lagen om …"; an inquiry by its name ("Betänkande av
                               # Vandelsutredningen", "Utredningen om …", not "utredningen om" in a sentence).
                               r"\blagen (?:\(\d{4}:\d+\) )?om\b|"
                               # An EU act by its name: "direktivet om marknader för finansiella instrument",
                               # "EU:s prospektförordning" ("förordningen om …" is as often a Swedish one).
                               r"\bdirektivet om\b|\b(?:EU:s|unionens|EG:s)\s+[a-zåäö-]*(?:förordning|direktiv)\w*|"
                               r"(?-i:\b[A-ZÅÄÖ][a-zåäö-]+utredningen\b|\bUtredningen (?:om|för|av|angående)\b)"),
    # A permission, duty or limit: "får inte", "ska bara … om", "ska även", "may not", "only if", "unless".
    AnswerType.YES_NO: _cue(r"\b(?:får|ska|skall|måste|bör|behöver|kan)\s+(?:[\wåäö]+\s+){0,2}?(?:inte|ej|endast|bara|"
                            r"även|också|aldrig|alltid)\b|\b(?:inte|ej|endast|bara)\s+(?:[\wåäö]+\s+)?(?:får|ska|skall)\b|"
                            # "Kommittén, som bedömer att det inte bör införas några sådana regler, …"
                            r"\batt (?:det |de |den |man )?(?:inte|ej) (?:bör|behöver|måste)\b|"
                            r"\bförbjud\w*|\bförbud\w*|\btillåt\w*|\bundanta\w*|\bom inte\b|\b(?:endast|bara) om\b|"
                            r"\b(?:may|must|shall|can|should|will)\s+(?:\w+\s+)?(?:not|only|also|never|always)\b|"
                            r"\bcannot\b|\bprohibit\w*|\bforbid\w*|\bnot (?:be )?(?:allowed|permitted)\b|\bunless\b|"
                            r"\bexcept\b|\bexempt\w*|\bonly if\b|"
                            # Whether there is cause for a thing: "det finns … inte skäl att ha kärnvapen".
                            r"\b(?:inte|ej|inga)\s+(?:några\s+)?skäl\s+(?:att|för)\b|\bno (?:reason|grounds) to\b|"
                            r"\b(?:inte|ej)\s+(?:motiverat|befogat|berättigat)\b|\bnot justified\b|"
                            # Where a rule stops: "Skyldigheten … gäller inte vid anställning av …".
                            r"\b(?:gäller|gällde|tillämpas)\s+(?:dock\s+|heller\s+)?(?:inte|ej)\s+(?:för|vid|när|om|i|på)\b|"
                            r"\b(?:does|do|shall|will) not apply\b|"
                            # An obligation: "Myndigheter under regeringen är skyldiga att svara på remissen."
                            r"\b(?:är|var|blir|blev)\s+(?:[\wåäö]+\s+)?skyldig(?:a|t)?\s+att\b|"
                            r"\b(?:is|are|was|were) (?:obliged|obligated|required) to\b|"
                            # That it is not needed: "Do they have to apply?" – "Inget ansökningsförfarande krävs."
                            r"\b(?:inget|ingen|inga)\s+(?:[\wåäö-]+\s+){0,2}?(?:krävs|behövs)\b|"
                            r"\b(?:krävs|behövs)\s+(?:det\s+)?(?:inte|ej)\b|"
                            r"\b(?:is|are) not (?:required|needed|necessary)\b|"
                            r"\bno need (?:to|for)\b|"
                            # That there is none: "Is there price competition?" – "det inte är någon
                            # priskonkurrens", "finns det i dag ingen möjlighet", "there is no …".
                            r"\b(?:finns|fanns|förekommer|förekom)\s+(?:det\s+)?(?:[\wåäö]+\s+){0,2}?(?:ingen|inget|inga)\b|"
                            r"\b(?:inte|ej)\s+(?:är|var|finns|fanns|förekommer)\s+(?:någon|något|några)\b|"
                            r"\bthere (?:is|are|was|were|will be) no\b|"
                            # Whether a view is shared: "Regeringen delar inte denna bedömning", "instämmer i".
                            r"\b(?:delar|delade)\s+(?:inte\s+|ej\s+)?(?:[\wåäö:]+\s+){0,2}?(?:bedömning|uppfattning|"
                            r"slutsats|syn|analys)\w*|\binstämmer\b|\binstämde\b|"
                            r"\b(?:agrees?|agreed|disagrees?|disagreed) with\b|"
                            # Whether the law allows it, said of the act: "Samkönade sexuella handlingar är
                            # olagliga" (not "illegal handel", the trade named).
                            r"\b(?:är|var|blir|vara|is|are|was|were|be)\s+(?:inte\s+|not\s+)?(?:o?laglig(?:a|t)?|"
                            r"straffbar(?:a|t)?|(?:il)?legal|(?:un)?lawful|punishable)\b|"
                            # A possibility there is: "Det kommer fortsatt att finnas möjlighet för
                            # biståndsaktörer i Irak att söka medel …" answers "Will they still be able to apply?".
                            r"\b(?:finns|finnas|fanns|ges|gavs|getts)\s+(?:[\wåäö]+\s+)?möjlighet(?:en|er)?\s+"
                            r"(?:för\s+[^.;:]{1,60}?\s+)?att\b|"
                            r"\bit (?:will|is|was) (?:still )?(?:be )?possible (?:for|to)\b|"
                            # A requirement taken away: "Dagens generella krav på bygglov för fasadändringar
                            # … tas bort" answers "Will changing the facade still need a permit?".
                            r"\b(?:krav\w*|skyldighet\w*|lovplikt\w*)\b[^.;:]{0,100}?\b(?:tas bort|togs bort|"
                            r"slopas|slopades|avskaffas|avskaffades|upphävs|upphävdes)\b|"
                            r"\b(?:requirements?|obligations?)\b[^.;:]{0,100}?\b(?:is|are|was|were|will be|be) "
                            r"(?:removed|abolished|scrapped|lifted)\b"),
    AnswerType.CONTENT: _cue(r"\binnehåll\w*|\bomfatta\w*|\binkludera\w*|\bsärskilt\b|\bbland annat\b|\bbl\.\s?a\.|"
                             r"\bmed (?:särskilt )?fokus på\b|\bwith (?:a )?focus on\b|\btema(?:t|n)?\b|\bthemes?\b|"
                             r"\bbelysa\b|\bbehandla\b|\bincludes?\b|\bincluding\b|\bcontains?\b|\bcover(?:s|ing)?\b|"
                             r"\bin particular\b|:\s*\n|"
                             # "I uppdraget ingår att …": what a task takes in.
                             r"\bingår\b|\bingick\b"),
    # A condition or what follows from one: "villkor", "krävs", "förenlig med", "ska återbetalas", "provided that".
    AnswerType.CONDITION: _cue(r"\bvillkor\w*|\bförutsättning\w*|\bkrav(?:et|en)?\b|\bkrävs\b|\bkräver\b|"
                               r"\bunder förutsättning\b|\bförenlig\w*|\bi så fall\b|\b(?:åter)?betalas tillbaka\b|"
                               r"\båterbetala\w*|\båterkräv\w*|\bprovided (?:that)?\b|\bconditions?\b|\brequire[sd]?\b|"
                               r"\brequirements?\b|\bin that case\b|\bmust be repaid\b|"
                               # The only case it holds in: "Avdrag får … bara göras när …", "only if".
                               r"\b(?:endast|bara|enbart)\s+(?:[\wåäö]+\s+){0,2}?(?:när|om|i de fall)\b|"
                               r"\bonly (?:if|when|where)\b"),
    AnswerType.PENALTY: _cue(r"\bfängelse\w*|\bböter\b|\bbötes\w*|\bdagsböter\b|\bstraff\w*|\bvite\w*|"
                             r"\bsanktionsavgift\w*|\bimprisonment\b|\bprison\b|\bfines?\b|\bpenalt\w*|"
                             # A fee's size, where a penalty is asked: "Enligt förordningen ska storleken på
                             # avgifterna vara mellan 5 000 kronor och 500 000 kronor."
                             r"\bavgift(?:en|er|erna)?\b[^.;]{0,60}?\d[\d\s]*\s*(?:kronor|kr\b|euro)"),
    # A reason or cause: "För att fullfölja …", "… eftersom …", "… på grund av …" (not "ansvarar för att").
    # "… är det för att bjuda in …": a speaker's "it is to …".
    # ("Personalen låter bli – ibland för att de är rädda …": an adverb may stand before the cause.)
    AnswerType.REASON: _cue(r"(?:^|[,;:–]\s*|\bdetta\s+|\bdels\s+|\b(?:är|var) det\s+)"
                            r"(?:(?:ibland|ofta|delvis|främst|troligen|kanske|just)\s+)?för att\b|\beftersom\b|"
                            # What is done, and why: "Detta görs för att skydda lokala lekbestånd …".
                            r"\b(?:detta|det|vilket)\s+(?:görs|gjordes|sker|skedde)\s+(?:\w+\s+)?för att\b|"
                            # What a thing is needed for: "Avgiftshöjningen behövs för att nå målet om full
                            # kostnadstäckning", "Informationen krävs för att fullgöra rapporteringskrav …".
                            r"\b(?:behövs|behövdes|krävs|krävdes)\s+(?:\w+\s+){0,2}?för att\b|"
                            r"\b(?:is|are|was|were) (?:needed|necessary) (?:in order )?to\b|"
                            # What has been done makes it so: "Genom att ha ratificerat … är Turkiet rättsligt
                            # bundet …" (not "genom att ta bort …", a means to an end).
                            r"\bgenom att ha\s+[\wåäö]+|\bby having\s+\w+ed\b|"
                            # ("Regeringen föreslår därför att ämnet delas" proposes, as a consequence: "att"
                            # opens what is proposed, not a cause.)
                            r"(?<!\bföreslår )(?<!\bföreslog )(?<!\bföreslås )(?<!\banser )(?<!\bansåg )"
                            r"(?<!\bbedömer )(?<!\bbedömde )(?<!\bbeslutar )(?<!\bbeslutade )(?<!\bmenar )"
                            r"(?<!\bvill )\bdärför att\b|"
                            # "för att" before a subject is "because": "… belöningsmedaljen för att han som
                            # initiativtagare … har gjort utomordentliga insatser".
                            r"\bför att (?:han|hon|hen|de|den|det|vi|ni|jag|man)\b|"
                            r"\bpå grund av\b|\bmot bakgrund av\b|\bmed anledning av\b|\bföranleds\b|"
                            r"\b(?:orsaken|anledningen|skälet|skälen) (?:till|är|var)\b|\bbecause\b|\bdue to\b|"
                            r"\bowing to\b|\bas a result of\b|\bthe reasons? (?:for|is|was)\b|"
                            r"\bexplained\b.{0,60}\bby\b|\bstems? from\b|\bresults? from\b|\bberor på\b|"
                            r"\bförklaras\b|\btill följd av\b|"
                            # Why a thing was started is what it is for: "Varför har regeringen startat
                            # försöket?" is answered by "Syftet med försöksverksamheten är att …".
                            # "Syftet med ändringarna är dels att …", "Sammantaget syftar ändringarna till att …".
                            # ("… ska vara ledarledd och långsiktig då ett syfte med fritidskortet är att …")
                            r"\b(?:syftet|ett syfte|ett av syftena|det främsta syftet) (?:med [^.;:]{1,80} )?"
                            r"(?:är|var) "
                            r"(?:dels |främst |bland annat |framför allt )?att\b|"
                            r"\bi syfte att\b|\bsyftar (?:[\wåäö]+ ){0,3}?till att\b|"
                            r"\bthe (?:aim|purpose) (?:of [^.;:]{1,80} )?(?:is|was) to\b"),
    # "Skolbibliotek ska avse en samlad … verksamhet", "Begreppet avser …" (not "avser att", an intent).
    # A term that opens its sentence and "innebär" defines it ("Nettonollutsläpp innebär att summan
    # av alla utsläpp ska vara noll."); "Förslaget innebär …", "Detta innebär …" tell a consequence.
    AnswerType.DEFINITION: _cue(r"\b(?:avses|menas|definieras|räknas som)\b|\bär (?:den|de) som\b|"
                                r"^\W*(?-i:[A-ZÅÄÖ])[\wåäö-]+(?<!et)(?<!en)(?<!na)(?<!tta) innebär\b|"
                                # ("Den 10 april avser regeringen besluta …": intends, its subject after it.)
                                r"\b(?:avser|ska avse)\b(?! att\b)(?! (?:regeringen|vi|jag|han|hon|de|man|"
                                r"myndigheten|kommissionen|ministern)\b)|"
                                r"\b(?:means|is defined as|are defined as|refers to|counts as)\b|"
                                # A term named after what it stands for: "lån där amorteringarna ökar efter
                                # hand, så kallade annuitetslån", "Så kallad oaktsam våldtäkt är fall där …".
                                r"\bså kallad(?:e|t)?\b|\bs\.k\.|\bso-called\b|\bknown as\b|"
                                # "Regionerna samt Gotlands kommun (nedan kallade länsplaneupprättarna)"
                                r"\((?:nedan|hereinafter|hereafter)\b"),
    # A phone number ("08-405 13 49", "0293-21 80 00", "+46 8 405 10 00"), an e-mail address, or words
    # that point to someone to ask ("Kontaktperson:", "Frågor besvaras av", "contact").
    AnswerType.CONTACT: _cue(r"(?:\+46\s?|\b0)\d{1,3}\s?[-–]\s?\d{2,3}(?:\s?\d{2}){1,3}\b|"
                             r"\+46(?:\s?\d){7,10}\b|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b|\bkontakt(?:a|as|person\w*|"
                             r"uppgift\w*)\b|\bcontact\b|\btelefon\b|\btfn\b|\btel\.|\be-?post\b|\be-?mail\b|"
                             r"\bbesvaras av\b|\bvänd (?:dig|er) till\b"),
    # An item opened by its place: "För det första föreslås …", "Secondly, …", "Slutligen …".
    # ("Först 2030 …" is "not until 2030": only "Först," and "Först och främst" open a first item.)
    AnswerType.NTH: _cue(rf"^\W*(?:för det (?:{'|'.join(ORDINALS_SV)})|först(?:,| och främst\b)|"
                         rf"slutligen\b|(?:{'|'.join(ORDINALS_EN)})(?:ly)?,|finally,)"),
    # A name given, in words that give it: "utvecklingsanställning byta benämning till lönebidrag för
    # utveckling", "döps om till", "ska heta", "namnet Arbetsmarknadsmyndigheten", "renamed" (not "ett
    # nytt namn som bättre avspeglar …", which says there is one).
    AnswerType.NAME: _cue(r"\b(?:byt(?:a|er|s|te|tt|as)|ändr(?:a|as|ar)) (?:namn|benämning)\w* till\b|"
                          r"\bdöp(?:s|as|es|tes)? om till\b|\b(?:får|fick|ges|gavs) (?:det nya )?namnet\b|"
                          r"(?-i:\b(?:namnet|benämningen|name) [A-ZÅÄÖ])|"
                          r"\b(?:ska|skall|kommer att|föreslås) (?:\w+ )?(?:heta|benämnas)\b|\brenam\w*|"
                          r"\bname (?:is |will be |was )?changed\b|\bbe (?:called|named)\b"),
    AnswerType.PURPOSE: _cue(r"\bsyfte\w*|\bsyftar\b|\bändamål\w*|\bavsikt\w*|\bmålet (?:med|är|för)\b|"
                             # "Vårt mål med ordförandeskapet …", "The objective of Swedish gender equality
                             # policy is that …"
                             r"\b(?:vårt|vår|deras|dess|sitt|hennes|hans) mål med\b|"
                             r"\bthe (?:overall |main )?(?:goal|objective)s? (?:of|for|with)\b[^.;:]{0,80}?"
                             r"\b(?:is|are|was)\b|"
                             # "… vidareutveckla programmen så att de tydligare bidrar till …"
                             r"\bså att\b|\bso that\b|"
                             r"\bpurpose\b|\baims? (?:of|to|is)\b|\bintended to\b|\bin order to\b"),
}
# A factor before a comparative, without "så": "Arbetslösheten är nästan tre gånger högre bland
# utrikes födda", "fem gånger fler hatbrott" (Swedish comparatives end in -are, or are one of the
# irregular ones).
_FACTOR = rf"(?:\d+(?:[.,]\d+)?|{NUMBER_WORDS})"
_TIMES_THE_COMPARATIVE = rf"\b{_FACTOR} gånger (?:fler|färre|mer|mera|mindre|större|högre|" \
                         r"lägre|längre|bättre|sämre|äldre|yngre|[a-zåäö]{2,}are)\b"
# A figure given against another: "Och i utsatta områden är siffran dubbelt så hög", "three times as many".
_COMPARED = rf"\b(?:{_FACTOR}|halv\w*) gånger? så\b|\bdubbelt så\b|\bhälften så\b|" \
            rf"\b(?:twice|half|(?:\d+|{NUMBER_WORDS}) times) (?:as|more|less|higher|lower)\b|" \
            rf"{_TIMES_THE_COMPARATIVE}"
COMPARED = re.compile(_COMPARED, re.IGNORECASE)
# A ratio: "kostar tre gånger så mycket", "dubbelt så stor", "twice as high", "three times more".
RATIO = re.compile(rf"{_COMPARED}|"
                    # A change by a factor: "Vi behöver fördubbla svensk energiproduktion", "halve emissions".
                    r"\b(?:för|tre|fyr)dubbl(?:a|as|ar|ade|ats|ing\w*)\b|\bhalvera\w*|"
                    # "antalet brottsutvisade kan sexfaldigas", "en tiofaldig ökning".
                    r"\b(?:fem|sex|sju|åtta|nio|tio|tjugo|hundra)faldig\w*|\b(?:fivefold|sixfold|tenfold)\b|"
                    r"\b(?:doubl|tripl|quadrupl)(?:e|es|ed|ing)\b|\bhalv(?:e|es|ed|ing)\b|"
                    # A part of another: "storleken på EU:s riskkapitalmarknad är en tjugondel av den
                    # amerikanska", "a fifth of".
                    r"\b(?:en|ett|one|a)\s+(?:tredje|fjärde|femte|sjätte|sjunde|åtton|nion|tion|tjugon|"
                    r"trettion|fyrtion|femtion|hundra|tusen)del(?:en)?\s+av\b|"
                    r"\b(?:one|a)\s+(?:third|quarter|fifth|sixth|seventh|eighth|ninth|tenth|twentieth|"
                    r"thirtieth|fortieth|fiftieth|hundredth|thousandth)\s+of\b", re.IGNORECASE)
