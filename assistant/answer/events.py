"""What a time question is about: the event it asks the time of ("came into force", "decided",
"reported" …), whether it asks for a day, and which stage of reporting. A sentence stating a time
answers it only when it speaks of that event, to the day when a day is asked, and of that stage
("slutredovisa", not "delredovisa"). Cue words in English and Swedish; no document is known here.
"""

from __future__ import annotations

import re


def cue(pattern: str) -> re.Pattern[str]:
    """Cue words as a pattern, in either case (``answer_type`` writes its cues with it too)."""
    return re.compile(pattern, re.IGNORECASE)


MONTHS = r"januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december|" \
         r"january|february|march|june|july|august|october"
# The months by number, in either language ("may" is English, Swedish "maj"; MONTHS leaves it out,
# being a verb as often).
MONTH_NUMBERS: dict[str, int] = {name: number for number, names in enumerate((
    ("januari", "january"), ("februari", "february"), ("mars", "march"), ("april",), ("maj", "may"),
    ("juni", "june"), ("juli", "july"), ("augusti", "august"), ("september",), ("oktober", "october"),
    ("november",), ("december",)), start=1) for name in names}


# A signing, named alike in a question and in a sentence: "skrivas under", "undertecknas", "signed",
# "signerade", "vid signeringen".
# Paying money back, asked of and told in the same words ("paid back", "återbetalas", "returned").
_REPAYING = cue(r"\b(?:paid|pay|pays|be paid) back\b|\brepa(?:y|id|ys|yment)\b|\båterbetal\w*|"
                r"\bbetala\w* tillbaka\b|\båterför(?:a|as|s)\b|\breturned\b")
_SIGNING = cue(r"\bsign(?:s|ed|ing)?\b|\bsigner(?:a|ar|as|ade|ades|at|ats|ing|ingen)\b|\bskriv\w* under\b|"
                r"\bskrevs under\b|\bunderteckn\w*")

# How a sentence says a body came to be ("NDPHS är en internationell organisation som bildades 2003").
# "Kungl. Vasaorden instiftades år 1772": an order, a prize or a fund is instituted.
# ("SciLifeLab startades 2010 gemensamt av de fyra universiteten": a thing started was founded.)
_FOUNDING = r"\bbilda(?:des|ts|t)\b|\bgrunda(?:des|ts|t)\b|\binrätta(?:des|ts|t)\b|\betablera(?:des|ts|t)\b|" \
            r"\binstifta(?:des|ts|t|d)\b|\bstarta(?:des|ts)\b|\bfounded\b|\bestablished\b|\binstituted\b"

# Compounds on "beslut-" that name no decision: a capacity, a competence, the people or the basis
# deciding ("beslutsförmåga", "beslutsfattare", "beslutsunderlag").
_NOT_DECISIONS = r"s(?:förmåg|kompeten|fattar|oförmåg|stöd|underlag|process)"


# "When did it come into force?" is not answered by the date it was decided on: for a time question
# about one of these events, the sentence stating the time must speak of that event.
_EVENTS: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    # event: (how a question names it, how a sentence states it)
    # "Till vilket datum skjuts höjningen upp?" is answered by the day it is put off to ("senareläggs
    # med ett år till den 1 januari 2027"), not by the day the rule was first raised (first: a
    # postponed entry into force is asked as a postponement).
    # (A question puts the subject inside the particle verb: "skjuts höjningen … upp". A postponement
    # told in passing is not what is asked: "When is the summit, postponed because of the pandemic,
    # due to take place?")
    "postponed": (cue(r"\b(?:postpone[sd]?|delay(?:ed|s)?|deferred)\b(?![^?]{0,40}\b(?:because|due to)\b)"
                      r"|\b(?:skjut(?:s|as|its)?|sköts)\b[^?]{0,80}?\bupp\b|"
                      r"\bsenarelägg\w*"),
                  cue(r"\bpostpon\w*|\bdelay(?:ed|s)?\b|\bdeferred\b|\bskjut\w* upp\b|\bsköts upp\b|\bsenarelägg\w*|"
                      r"\bskjut\w* fram\b|\bsköts fram\b")),
    "in_force": (cue(r"(?:come|came|comes|coming|enter\w*) into force|take\w* effect|took effect|\bin force\b|"
                      # "träder förordningsändringarna som följer av … i kraft": however many words between.
                      r"apply from|träd\w* (?:[\wåäö:/.-]+ ){0,12}?i kraft|gälla från|"
                      # "Från och med vilket datum gäller ändringarna?"
                      r"\bfrån och med\b.{0,40}\bgäll(?:er|a)\b|\bgäll(?:er|a)\b.{0,40}\bfrån och med\b|"
                      # "Från när gäller den utvidgade rätten?", "From when does the rule apply?"
                      r"\b(?:från|sedan) när\b.{0,40}\bgäll(?:er|a)\b|\bfrom when\b.{0,60}\bapply\b|"
                      # "Från vilket datum ska reglerna tillämpas?": rules applied from a day.
                      r"\bfrån (?:vilket datum|när)\b.{0,100}\btillämpas\b|"
                      r"börja\w* (?:[\w-]+ ){0,14}?(?:att )?gälla|ikraftträd"),
                 # "Ambitionen är att införandet av fritidskortet kan ske i början av 2024."
                 # ("föreslås träda ikraft den 1 januari 2009": the older spelling, one word.)
                 # ("Bestämmelserna … ska börja tillämpas inför hösten 2027": applied from a term.)
                 cue(r"i kraft|\bikraft|börja\w* gälla|gäller från|tillämpas från|börja\w* tillämpas|tillämpas inför|"
                     r"in force|take\w* effect|appl(?:y|ies) from|"
                     r"\binför(?:s|as|ande|andet)\b|\bintroduc")),
    # "Sedan när har Helén Ängmo varit generaldirektör?" asks since when a state has lasted: "Hon har
    # sedan februari 2016 varit generaldirektör", not the day her successor starts. (Preferred, not
    # required: ``specifics``.)
    "since": (cue(r"\bsedan (?:när|vilke?t (?:år|datum))\b|\bsince (?:when|what (?:date|year)|which year)\b"),
              cue(rf"\bsedan\s+(?:den\s+|år\s+|början av\s+|slutet av\s+)?(?:\d|(?:{MONTHS})\b)|"
                  rf"\bsince\s+(?:the (?:beginning|start|end) of\s+)?(?:\d|(?:{MONTHS}|may)\b)")),
    # "When is the agency to close down?", "När ska myndigheten upphöra?": when it ends (before
    # "decided", whose "closed" is a deal's).
    # "When does the tax exemption expire?" too: "Skattefriheten upphör att gälla den 1 juli 2026".
    "ended": (cue(r"\b(?:close|closes|closed|closing|shut|shuts|wound|wind|winds) (?:down|up)\b|\bceases?\b|"
                  r"\bexpir(?:e|es|ed|y)\b|\blapses?\b|\brun out\b|\b(?:löper|gick|går) ut\b|"
                  # (verbs only: "avvecklingsuppdraget" is an assignment, reported on like any other)
                  r"\bcease to exist\b|\bbe abolished\b|\bupphör(?:a|de|t)?\b|\bavveckla(?:s|des|ts)?\b|"
                  r"\bläggas? (?:ned|ner)\b|"
                  # "When was the Palestinian Legislative Council dissolved?"
                  r"\bdissolved\b|\bupplöst(?:es|s)?\b"),
              cue(r"\bupp-?hör\w*|\bupplös\w*|\bdissol\w*|\bavveckl\w*|\bläggs? (?:ned|ner)\b|\bläggas (?:ned|ner)\b|"
                  r"\bnedlägg\w*|"
                  r"\b(?:löper|gick|går) ut\b|\bexpir\w*|"
                  r"\bclos\w* down\b|\bshut\w* down\b|\bcease|\bwound up\b|\babolish")),
    # (A deal "was closed"; "closed youth care" is a kind of care.)
    # ("beslutsförmåga", "decision-making" are a capacity, not a decision.)
    "decided": (cue(rf"\badopt|\bdecid|\bapprov|\bdecision(?!-making)|\bbeslut(?!{_NOT_DECISIONS})|\bantog|"
                    r"\bantag|\bfastställ|"
                    r"\b(?:was|were|is|be|been|being) closed\b|\bclosed\s*(?:[?.,]|$)"),
                # A legal act is named by the day it was adopted: "Rådets direktiv 92/43/EEG av den 21 maj 1992".
                # A decision named by its maker: "ett riksdagsbeslut redan 2003 om att …".
                cue(rf"\b(?:riksdags|regerings|fullmäktige|styrelse|nämnd)?beslut(?!{_NOT_DECISIONS})|"
                    rf"\bantog|\bantag|\bantas\b|\bfastställ|\bgodkän|\badopt|\bdecid|"
                    rf"\b(?:av den|of) \d{{1,2}} (?:{MONTHS}|may)\b")),
    # "Rekvisition ska ske senast den 15 november 2016": an assignment's funds are drawn by one date
    # and its report is due by another. Before "reported": "submit its request for the funds" asks
    # for the first.
    "requisitioned": (cue(r"\brekvir|\brekvisition|\brequisition|\brequest\w* (?:for )?(?:the |its )?"
                          r"(?:funds|money|grant|payment)|\b(?:draw|call) (?:down|on) (?:the )?(?:funds|money|grant)"),
                      cue(r"\brekvir|\brekvisition|\brequisition")),
    # "When was the prize presented?" asks when it was awarded, not when a report was presented.
    "awarded": (cue(r"\b(?:prize|award|pris(?:et)?|utmärkelse\w*|medal\w*|medalj\w*)\b.{0,60}\b(?:presented|"
                    r"awarded|given|handed|delades ut|delas ut|tilldelades)\b|\b(?:delades ut|tilldelades)\b"),
                cue(r"\butdelning\w*|\bdela(?:r|s|de|des|t|ts)? ut\b|\btilldela\w*|\baward\w*|"
                    r"\bpresented (?:to|with)\b|\bpris(?:et)?\b|\bprize\b")),
    # "Vilket år lämnade Turkiet Istanbulkonventionen?" asks when it withdrew ("2021 frånträdde
    # Turkiet … konvention"), not when something was handed in (before "reported").
    "withdrew": (cue(r"\blämna(?:de|r|t|s)?\s+(?:(?-i:[A-ZÅÄÖ])[\wåäö-]*\s+)?(?:[\wåäö-]*(?:konvention|avtal|samarbete|"
                     r"organisation|union)\w*|EU|Nato|FN)\b|\bwithdr[ae]w\w*|"
                     r"\b(?:leave|leaves|left) (?:the )?(?:(?-i:[A-Z])[\w-]*|convention|agreement|union|treaty)\b|"
                     r"\butträd\w*|\bfrånträd\w*"),
                 cue(r"\bfrånträd\w*|\butträd\w*|\blämna(?:de|r|t)\b|\bwithdr[ae]w\w*|\bleft\b|\bleave\w*|"
                     r"\bexit\w*")),
    # "Remissvaren ska ha kommit in till Näringsdepartementet senast …", "… vara inkomna …",
    # "Sista dag att svara på remissen är …": how a consultation's answers are due.
    # ("When did the minister deliver his speech?" asks when it was given, not when a report was due.)
    # "By what date must any unused money be paid back?" is not answered by when a report is due.
    "repaid": (_REPAYING, _REPAYING),
    "reported": (cue(r"\breport|\bsubmit|\bpresent|\bdeliver(?!\w* (?:[\w-]+ ){0,3}(?:speech|address|talk|lecture|"
                     r"remarks|statement)\b)|\bhand\w* in\b|\bsen[dt]\b|redovis|rapporter|"
                     r"\blämna|\bkomma in\b|\binkomm"),
                 # ("Trafikverket ska återkomma senast den 19 maj med kompletterande uppgifter.")
                 cue(r"redovis|rapport|lämna|presenter|\bkommit in\b|\bkomma in\b|\binkom(?:m|n|\b)|\bges in\b|"
                     r"\båterkomm|\bsvara på remiss\w*|"
                     r"\b(?:lade|lagt|läggs|lägger|lägga) (?:fram\b|förslag)|\bmeddela|"
                     r"\breport|\bsubmit|\bpresent|\breceived\b|\bannounc|\bunveil")),
    # "När bildades organisationen?", "When was the partnership founded?": when it came to be.
    "founded": (cue(r"\bfounded\b|\bestablished\b|\binstituted\b|\bbildad(?:es|e|s)?\b|\bgrundad(?:es|e|s)?\b|"
                    r"\binstiftad(?:es|e|s)?\b"),
                cue(_FOUNDING)),
    # "By when is the inquiry to be appointed?" is not answered by its report's deadline; an
    # organisation "set up" was founded ("NDPHS … bildades 2003").
    "appointed": (cue(r"\bappoint\w*|\bset up\b|\btillsätt\w*|\btillsatt\w*|\butse(?:s|dd|dda|r)\b"),
                  cue(r"\bappoint\w*|\bset up\b|\btillsätt\w*|\btillsatt\w*|\but(?:se(?:s|dd|dda|r|tt)|såg|sågs)\b|"
                      r"\bförordna|"
                      # An inquiry is appointed by giving an investigator its task: "Den 22 maj 2024 gav
                      # regeringen en särskild utredare i uppdrag att se över lagen …".
                      r"\butredaren?\b[^.;]{0,20}\bi uppdrag\b|\butredaren?\s+(?:fick|har fått)\s+i uppdrag\b|"
                      + _FOUNDING)),
    # "Det skriver statsministern i en debattartikel i Svenska Dagbladet den 9 november": when it came out.
    "published": (cue(r"\bpublish|\bpublicer|\bkungör|\bkomma ut i\b|\bcome out in\b"),
                  # "… när de kommer ut från trycket i Svensk författningssamling" is when they are published.
                  cue(r"\bpublicer|\bpublish|\bkungör|\butkom(?:mer)?\b|\bkom(?:mer|mit)? ut\b|"
                      # A byline: "Debattartikel av klimatministern, Dagens Industri, den 30 december".
                      r"\bi (?:en |sin )?(?:debattartikel|krönika|artikel|ledare)\b|\bdebattartikel\b|\bop-ed\b|"
                      r"\bin (?:an |his |her )?(?:op-ed|article|column)\b")),
    # "När startar konferensen?" is not answered by the year an earlier one was held.
    "began": (cue(r"\b(?:start\w*|börja[rd]?|inleds|inleddes|begin\w*|began|begun|kicks? off|öppnar|opens)\b|"
                  # "Från och med vilket år ska myndigheten …?" asks when something begins ("a law from
                  # which year?" asks when it was made: English "from" is left alone).
                  r"\bfrån och med (?:vilke?[nt]|när)\b"),
              # "Tillträde senast 1 maj": a post is taken up ("tillträde") when the work starts.
              # ("anställningar som påbörjas efter den 30 april 2024" start then.)
              cue(r"\bstart|\binled|\b(?:på)?börja|\bbegin|\bbegan|\bbegun|\böppna|\bopen|\bkick\w* off|\btillträd|"
                  r"\bfrom\b|\bfrån\b|\bfr\.o\.m\.|\bsedan\b|\bsince\b|"
                  # A period between two days begins on the first: "mellan 15 september och 15 mars".
                  rf"\b(?:mellan|between) (?:den )?(?:\d{{1,2}} (?:{MONTHS})|(?:{MONTHS}) \d{{1,2}})\b")),
    # "När ska avtalet skrivas under?" is not answered by when the negotiations began.
    "signed": (_SIGNING, _SIGNING),
    "met": (cue(r"\bmeet\b|\bmet\b|\bmeeting|\bträff|\bmöt|\bsammanträ|\bconven(?:e|ed|es|ing)\b|\bsammankall"),
            # "EU:s ministerråd … möts i Bryssel den 28 november", "… möter sina kollegor"; a meeting
            # convened: "Den 15 december bjöd finansmarknadsministern in till ett informellt branschråd".
            cue(r"möte|mött|\bmöt(?:s|er|as)\b|träff|sammanträ|samlade|konferens|hölls|\bmeet|\bmet\b|"
                r"\bsammankall\w*|\bconven\w*|\b(?:bjöd|bjuder|bjudit)\b[^.]{0,60}?\bin till\b")),
    # ("… i sin fjärde utvärderingsrapport" names a report: the question asks the time of something else.)
    "evaluated": (cue(r"\bevaluat(?!ion reports?\b)|\butvärder(?!ingsrapport)"), cue(r"\bevaluat|\butvärder")),
    # "Var och när blev Sverige inbjudet att bli medlem i Nato?" asks for the invitation (before "joined").
    "invited": (cue(r"\binbjud\w*|\binvit(?:e|ed|es|ation)\b"), cue(r"\binbjud\w*|\binvit\w*|\bbjöd\w* in\b")),
    # "On what date did Sweden join the EPPO?" is answered by when it joined ("anslöt sig", "blev
    # medlem"), not by when an act in the same field came into force.
    "joined": (cue(r"\bjoin(?:s|ed)?\b|\bbec[oa]me (?:a )?(?:full )?members?\b|\banslut(?:a|er|it)? sig\b|\banslöt\b|"
                   r"\bbli(?:r|vit)? medlem\w*|\bblev medlem\w*|\bgå(?:r|tt)? med i\b|\bgick med i\b"),
               cue(r"\bjoin\w*|\bmember\w*|\banslut\w*|\banslöt\b|\bmedlem\w*|\bgå\w* med i\b|\bgick med i\b|"
                   r"\binträd\w*|\baccession\b")),
    # "Från vilket år ska F-gaser förbjudas i nya värmepumpar?" is answered by the ban, not by the
    # years a quota is cut by.
    "banned": (cue(r"\bförbj[uö]d\w*|\bförbud\w*|\bban(?:s|ned)?\b|\bprohibit\w*|\bphased? out\b|\butfas\w*"),
               cue(r"förbj[uö]d\w*|förbud\w*|\bban(?:s|ned)?\b|\bprohibit\w*|\bphase\w* out\b|utfas\w*")),
    # "In which year is the Transport Administration to take over the maintenance?" is answered by
    # when it is taken over, not by when an inquiry into it reports.
    "taken_over": (cue(r"\b(?:take|takes|took|taken) over\b|\b(?:ta|tar|tog|tagit) över\b|\bövert(?:a|ar|og|agit)\b"),
                   # ("Den 1 januari tar Sverige över …": the subject after the verb, as Swedish puts it.)
                   cue(r"\b(?:take|takes|took|taken) over\b|\b(?:ta|tar|tog|tagit|tas)(?: [\wåäö]+)? över\b|\bövert\w*|"
                       r"\bövergå\w*|\böverför\w*|\btransfer\w*")),
    # "What was the last day to apply for accreditation to cover the state visit?" asks when
    # applications closed ("Sista dag att ansöka om ackreditering var …"), not when the visit was.
    "applied": (cue(r"\bapply (?:for|to)\b|\bapplications? (?:for|to)\b|\bansöka\b|\bansökningar\w*|\bansökan\b|"
                    # (Not "registration": "the Companies Registration Office" is a name.)
                    r"\banmäla (?:sig|intresse)\b|\b(?:pre-?)?register (?:for|to)\b"),
                # ("Föranmälan till pressträffen görs senast …": a registration made before.)
                cue(r"\bansök\w*|\bapplic\w*|\bapply\b|\w*anmäl\w*|\w*registr\w*|\bsök(?:a|er|as)\b")),
    # "On which days did the minister visit Ukraine?" is answered by "reste … till Ukraina den 26–27
    # april", not by the days of a meeting the minister hosted.
    # (A verb: "advice against non-essential travel" asks when the advice was lifted.)
    "visited": (cue(r"\bvisit(?:s|ed|ing)?\b|\btravel(?:s|led|ed)\b|\bbesök(?:te|er|a|t)?\b|\breste\b|\breser\b"),
                cue(r"visit\w*|\btravel\w*|\btrip\b|besök\w*|\bres(?:te|er|a|an)\b|\bpå plats\b")),
    # "När kan spåren tas i trafik?" is not answered by the year the money was set aside.
    "in_service": (cue(r"\b(?:tas|togs|tagits|tänkt\w*) i (?:trafik|drift|bruk)|\bdrift(?:tag|sätt|start)|"
                        r"idrifttag|\binvig|"
                        r"\b(?:open|opened|opens) (?:to|for) (?:traffic|trains|passengers)|"
                        r"\b(?:put|taken|go|goes|went|come) into (?:service|operation|use)|\bin operation\b"),
                   cue(r"i (?:trafik|drift|bruk)|\bdrift(?:tag|sätt|start)|idrifttag|trafikstart|invig|öppn|"
                        r"färdigställ|"
                        r"\b(?:into|in) (?:service|operation|use)|\bopen|\bcomplet")),
    # "Vilket år är Greklands nya ambassadör född?" is answered by "är född 1962", not by the years of
    # the posts the ambassador has held.
    "born": (cue(r"\bborn\b|\bfödd[aes]?\b|\bföddes\b|\bbirth\b"),
             cue(r"\bborn\b|\bfödd[aes]?\b|\bföddes\b|\bf\. \d{4}\b|\(\d{4}[–-]\)|\bbirth")),
    # "Until when was the inquiry period extended?" is answered by "förlängdes utredningstiden till den
    # 1 juni", not by the dates a secretary was employed (before "lasts", whose cue it shares).
    # ("… fick i november 2014 ett utvidgat uppdrag": a remit is extended by widening it too.)
    "extended": (cue(r"\bextend(?:ed|s)?\b|\bförläng(?:s|des|ts|as|a|t)?\b"),
                 cue(r"\bexten[ds]\w*|\bförläng\w*|\b(?:utvidgat|utvidgade|utökat|utökade) uppdrag")),
    # "Until what date will the pilot run?" is answered by when it ends ("pågå till och med den 31
    # januari 2028"), not by the dates its reports are due (last: "Till när ska rapporten lämnas?"
    # asks when a report is due).
    "lasts": (cue(r"\buntil (?:what|which|when)\b|\b(?:fram till|till och med) när\b|"
                  r"\btill när (?:pågår|gäller|löper|varar)\b|\btill när ska .{0,60}\b(?:pågå|gälla|löpa)\b|"
                  r"\bhur länge\b.{0,60}\b(?:pågå|löpa|gälla|fortsätta)\b"),
              cue(r"\btill och med\b|\bt\.o\.m\.|\bfram till\b|\btill den \d|\bförläng\w*|\bextend\w*|"
                  r"\bpågå\w*|\blöp\w* (?:ut|till)\b|\buntil\b|"
                  r"\bthrough\b|\bend(?:s|ed|ing)?\b|\bupphör\w*|\bavslut\w*|\bgiltig\w*|\bvalid\b|\bgäll\w*")),
}


# "Vilket datum …?", "On which date …?" ask for a day; a year ("2008–2012") does not give one.
# ("From which day of sick leave …?" asks for a day of a period: "den första sjukdagen".)
_ASKS_DAY = cue(r"\b(?:what|which) (?:exact )?(?:date|day(?! of\b))\b|\bvilke?t datum\b|\bvilka datum\b|\bvilken dag\b")
_DAY = cue(rf"\b\d{{1,2}}(?::e|:a)?\s+(?:{MONTHS}|jan|feb|mar|apr|jun|jul|aug|sep|okt|oct|nov|dec)\w*|"
            rf"\b(?:{MONTHS})\s+\d{{1,2}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b\d{{1,2}}/\d{{1,2}}\b")


def asks_for_a_day(question: str) -> bool:
    """Whether ``question`` asks for a date to the day ("Vilket datum …?"), not a year or a time."""
    return bool(_ASKS_DAY.search(question))


def states_a_day(text: str) -> bool:
    """Whether ``text`` gives a date to the day ("den 15 oktober 2015", "2017-05-30", "May 3")."""
    return bool(_DAY.search(text))


# "… according to the minister's meeting with the delegation" names where the fact is told, not the
# event the time question is about.
# (To a comma: "According to the minister's speech, on what date did Sweden join NATO?" names the event after it.)
_SOURCE_PHRASE = cue(r"\b(?:according to|enligt|as (?:stated|set out|described) in)\b[^?;,]*")
# "In what year was Serbia's newly appointed ambassador born?": the appointment names who is meant.
_ATTRIBUTE = cue(r"\b(?:newly|recently|nyligen) (?:appointed|elected|established|founded|"
                 r"utnämnd\w*|utsedd\w*|tillsatt\w*|invald\w*)\b|"
                 # "När väntades författningarna som beslutades den 4 juni 2015 komma ut i SFS?": a clause
                 # giving a thing's date already says which is meant; the time asked is another event's.
                 rf"\b(?:som|that|which)\b[^?;,]{{0,40}}?\b(?:den|on|in|i)\s+\d{{1,2}}\s+(?:{MONTHS})\s+\d{{4}}\b")
# "What was the original deadline for the inquiry before it was extended?": a clause dating the time
# asked against another event (its subject a pronoun) names that event only to say which time is meant.
_OTHER_EVENT = cue(r"\b(?:before|after|until|innan|efter att|tills)\s+"
                   r"(?:it|they|this|that|den|det|de|denna|detta|dessa)\s+"
                   r"(?:was|were|is|are|had|has|got|\w+(?:des|tes|ats|tts))\b[^?;,]*")
# "By what date must Boverket report back on type approval of small houses?": what is reported on is
# the report's topic; an event named there ("approval") is not the one the time is asked of.
_REPORTED_ON = cue(r"\b(report\w*(?: back)?|redovisa\w*|rapportera\w*) (?:on|about|om|kring)\b[^?;,]*")


def asked_event(question: str) -> str | None:
    """The event a time question is about ("in_force", "decided", "reported", …), if one is named
    outside a phrase naming the source ("according to …", "enligt …"), outside an attribute
    saying who is meant ("the newly appointed ambassador"), outside what a report is on and outside
    a clause dating the time against another event ("… before it was extended")."""
    question = _REPORTED_ON.sub(r"\1", _ATTRIBUTE.sub(" ", _SOURCE_PHRASE.sub(" ", question)))
    question = _OTHER_EVENT.sub(" ", question)
    return next((name for name, (asks, _) in _EVENTS.items() if asks.search(question)), None)


# An event whose words a sentence about another uses: "Rekvisition ska lämnas senast …" names when
# the funds are drawn, not when the report is due, though it says "lämnas".
_UNLESS: dict[str, tuple[str, ...]] = {"reported": ("requisitioned",)}


def speaks_of(event: str, text: str) -> bool:
    """Whether ``text`` speaks of ``event`` (from ``asked_event``), and not of an event that only
    shares its words (``_UNLESS``)."""
    if any(_EVENTS[other][1].search(text) for other in _UNLESS.get(event, ())):
        return False
    return bool(_EVENTS[event][1].search(text))


# "Final report" and "interim report" are two deadlines of one assignment: a sentence about one does
# not answer a question about the other.
# (An inquiry reports in a delbetänkande and a slutbetänkande.)
_STAGES = {"final": cue(r"slutredovis\w*|slutrapport\w*|slutbetänkande\w*|\bfinal (?:report|account)|"
                        r"\breport(?:s|ed)? in full"),
           "interim": cue(r"delredovis\w*|delrapport\w*|delbetänkande\w*|\binterim|\bprogress report|\bpartial report")}


def report_stages(text: str) -> frozenset[str]:
    """The stages of reporting ``text`` speaks of: "final", "interim", both or none. Beside an
    interim report, the assignment reported without a prefix is the final one: "Uppdraget ska
    redovisas senast den 15 maj 2021, med delredovisning senast den 31 mars 2021"."""
    stages = {stage for stage, cue in _STAGES.items() if cue.search(text)}
    if stages == {"interim"} and _REPORTED_WHOLE.search(text):
        stages.add("final")
    return frozenset(stages)


# Reporting named without a stage: "redovisas", "rapportera", "be reported" (not "delredovisas"), and
# "En redovisning … ska lämnas senast den 6 december 2024 med en delredovisning senast den 31 maj".
_REPORTED_WHOLE = cue(r"(?<![\wåäö-])(?:redovis\w*|rapportera\w*|be reported|report(?:ed)? to)\b")


def report_stage_differs(asked: frozenset[str], text: str) -> bool:
    """Whether a question asking about one stage of reporting (``asked``, its ``report_stages``)
    is met by ``text`` speaking only of the other ("slutredovisa" asked, "lämna en
    delredovisning" stated), or asking about an interim report met by a report named without a
    stage, which is the whole assignment's ("När ska utredningen lämna en delredovisning?" is not
    answered by "Uppdraget ska redovisas senast den 8 november 2021")."""
    stated = report_stages(text)
    if asked == {"interim"} and not stated:
        return _REPORTED_WHOLE.search(text) is not None
    return len(asked) == 1 and bool(stated) and not asked & stated
