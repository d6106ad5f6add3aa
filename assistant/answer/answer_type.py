"""What kind of fact a question asks for (whether a piece of text states one is ``fact_forms``'s).

"How much does the agency get?" wants an amount of money, "by when must it report?" a deadline,
"which agency chairs the council?" a body. The passages on the topic are easy to find; the sentence
that *answers* is the one that states such a fact, and when no passage on the topic states one the
documents do not answer the question, however close their topic is (the kinds in ``SPECIFIC``).
Other kinds only raise the sentence that states one and refuse nothing when none does: a purpose, a
reason ("Varför …?"), a definition ("Vad avses med …?"), a reference to a law or report, a
condition ("Vad krävs …?"), a penalty (prison as often as a sum) and a yes or no ("Får jag …?"),
answered by a sentence that permits, obliges or limits. Cue words in English and Swedish decide;
nothing here knows any document. The kinds and their cues (``ASKS``, most specific first) are here;
``asked_kind`` reads a question with them.
"""

from __future__ import annotations

import re
from enum import StrEnum

from assistant.answer.events import cue as _cue
from assistant.answer.question_cues import (
    ASKS_NTH,
    ASKS_WHAT_IT_STANDS_FOR,
    ASKS_WHO_LEADS_AN_INQUIRY,
    MONEY_NOUNS,
    NOT_AFTER_NUMBER_WORD,
    ON_WHAT_GROUNDS,
    POSTS,
    VERB_FIRST,
    WHEN,
)


class AnswerType(StrEnum):
    MONEY = "money"
    PERCENT = "percent"
    COUNT = "count"  # how many (a number, not a year)
    QUANTITY = "quantity"  # how much / how big, of something that is not said to be money
    DEADLINE = "deadline"  # by when
    DATE = "date"  # when, what year
    DURATION = "duration"  # how long, for how many years
    PERSON = "person"  # a named person or post holder
    BODY = "body"  # an agency, body, organisation or post
    PLACE = "place"
    FREQUENCY = "frequency"  # how often
    CLOCK = "clock"  # opening hours, at what time
    PURPOSE = "purpose"  # what something is for; raises a sentence stating a purpose, never vetoes
    REFERENCE = "reference"  # which law, article, report or bill; raises a sentence citing one, never vetoes
    YES_NO = "yes_no"  # whether one may, must or does; raises a sentence that permits, obliges or limits
    CONTENT = "content"  # what something is to contain or cover; raises a sentence saying so, never vetoes
    CONDITION = "condition"  # what is required, what happens if; raises a sentence stating a condition, never vetoes
    PENALTY = "penalty"  # the punishment for an offence; raises a sentence stating one, never vetoes
    REASON = "reason"  # why; raises a sentence giving a reason or cause, never vetoes
    DEFINITION = "definition"  # what a term means, who counts as it; raises a defining sentence, never vetoes
    CONTACT = "contact"  # whom to call or write to; raises a phone number, an e-mail address or a contact, never vetoes
    NTH = "nth"  # which of several in order ("What is the first one?"); raises the item in that place, never vetoes
    NAME = "name"  # what a thing is or will be called; raises a sentence naming or renaming it, never vetoes


# Types whose absence from every passage on the topic means the documents do not state the fact.
SPECIFIC = frozenset({AnswerType.MONEY, AnswerType.PERCENT, AnswerType.COUNT, AnswerType.QUANTITY,
                      AnswerType.DEADLINE, AnswerType.DATE, AnswerType.DURATION, AnswerType.PERSON,
                      AnswerType.FREQUENCY, AnswerType.CLOCK})


# Most specific first: "how much money" is money before it is a quantity.
ASKS: list[tuple[AnswerType, re.Pattern[str]]] = [
    (AnswerType.NTH, ASKS_NTH),
    # "What new name was proposed for municipal adult education?", "Vad ska myndigheten heta?"
    (AnswerType.NAME, _cue(r"\b(?:what|which) (?:new )?name\b|\bwhat (?:will|would|should|is|are) .{1,60}\bbe "
                           r"(?:called|named|renamed)\b|\bvilket (?:nytt )?namn\b|\bvilken (?:ny )?benämning\b|"
                           r"\bvad (?:ska|skulle|kommer) .{1,60}\b(?:heta|kallas|benämnas)\b")),
    # "Vem kan jag ringa om …?", "Who do I contact about …?", "Who did journalists have to email?"
    (AnswerType.CONTACT, _cue(r"\b(?:who|whom)\b.{0,60}\b(?:call|phone|ring|contact|e-?mail|write to|turn to)\b|"
                              r"\bcontact (?:person|details|information)\b|\b(?:phone|telephone) number\b|"
                              r"\be-?mail address\b|\bvem\b.{0,40}\b(?:ringa|ringer|kontakta|kontaktar|mejla|maila|"
                              r"skriva till|vända (?:mig|oss|sig) till)\b|\bkontaktperson\w*|\bkontaktuppgift\w*|"
                              r"\btelefonnummer\w*|\be-?postadress\w*|\bvart (?:kan|ska|bör) (?:jag|man|vi) vända\b")),
    # ("Within what time …?", "Inom vilken tid …?" ask for a period: ``DURATION``.)
    # ("När öppnar tjänsten igen?" asks on which day it reopens: a date.)
    (AnswerType.CLOCK, _cue(r"opening hours|open(?:ing)? times?|(?<!within )what time|öppettider|har .{0,30}öppet|"
                            r"(?<!inom )vilken tid\b|hur dags|när (?:öppnar|stänger)(?![^?]*\bigen\b)")),
    # "… skydda 30 procent av jordens yta", "… ska nå två procent av BNP?" name a share the question
    # is about, not the one it asks for.
    (AnswerType.PERCENT, _cue(rf"(?<!\d\s)(?<!\d){NOT_AFTER_NUMBER_WORD}(?:percent\w*|per cent|procent\w*)|"
                              r"what share|what proportion|"
                              r"what fraction|how (?:large|big) a (?:share|part|portion|proportion)|"
                              r"hur stor andel|vilken andel|andel\w* av|"
                              # A rate of interest is a share: "What interest rate will tenants get?" (a tax
                              # rate is often kronor per unit: "Vilken skattesats på el …?")
                              r"\bwhat (?:[\w-]+ ){0,2}interest(?: rates?)?\b|\bvilken (?:[\w-]+ )?ränt(?:a|esats)\b|"
                              # "What level of aid, as a share of gross national income, …?"
                              r"\bas a (?:share|percentage|proportion) of\b|"
                              # A limit on a share: "What is the maximum share of the profit … may transfer?"
                              # (a minimum share capital is a sum)
                              r"\b(?:maximum|minimum) (?:share|percentage|proportion|fraction)\b(?! capital)|"
                              r"\b(?:maximala|minimala|högsta tillåtna|lägsta tillåtna) andel\w*|"
                              # "Hur stor del av pengarna …?" is answered by a sum or a share: a quantity.
                              rf"hur stor del(?! av (?:de |det )?(?:{MONEY_NOUNS})\b)")),
    (AnswerType.FREQUENCY, _cue(r"how often|how frequently|how many times|hur ofta|hur många gånger")),
    # ("Vilka år omfattar strategin?", "Which years does it cover?": from a year to a year.)
    (AnswerType.DURATION, _cue(r"how long\b(?! ago)|for how many (?:years|months|weeks|days)|how old|"
                               r"\bvilka år (?:omfattar|gäller|täcker|avser|spänner)\b|"
                               r"\bwhich years (?:does|do|did|will) .{1,60}\b(?:cover|span|run)\b|"
                               r"\b(?:up to |from |at )?what age\b|\b(?:upp till |från |i )?vilken ålder\b|"
                               r"(?:maximum|minimum|total) length|hur länge|hur lång tid|hur gammal|"
                               # "What is the longest total term allowed …?", "the maximum period of the loan".
                               r"\b(?:longest|shortest|maximum|minimum|total) (?:\w+ )?(?:term|period|duration)s?\b|"
                               r"under hur många (?:år|månader)|längsta tid|maxtid|högsta tid|"
                               # A count of days or years is a period: "Inom hur många dagar …?" is
                               # answered by "inom sju dagar", "Hur många års erfarenhet …?" by "30 års".
                               r"(?:hur många|how many) (?:år|års|månader|månaders|veckor|veckors|dagar|dagars|dygn|"
                               r"dygns|timmar|timmars|years|months|weeks|days|hours)\b|"
                               r"within what (?:time|period)|inom vilken (?:tid|period)")),
    (AnswerType.DEADLINE, _cue(r"by when|by what date|deadline|due date|closing date|no later than|"
                               # ("Vilken lag hänvisas det ofta till när …": "till" is the verb's, "när" a "when".)
                               r"(?:latest|last) date|(?:latest|last) day (?:for|to)\b|date by which|senast när|"
                               r"sista dag(?:en)?|"
                               r"till när\b(?=\s*[?,]|\s*$|\s+(?:ska|skall|kan|får|gäller|pågår|löper|varar|är|var|"
                               r"har|hade|måste|behöver|bör|kommer|räcker|sträcker)\b)|"
                               r"senaste datum\w*|"
                               r"(?:när|vilke?t datum|vilka datum) ska .{0,80}(?:redovisa|rapportera|lämna|vara klar|"
                               r"vara klart)|"
                               # ("When is the summit due to take place?" asks when it happens.)
                               r"when (?:is|are|must|should|does|do|will) .{0,100}"
                               r"(?:report|present|submit|deliver|due\b(?! to (?:take place|be held|start|begin|open|"
                               r"meet))|finish|complete)|"
                               # "When did the Commission present its plan?" dates what was done; "When was
                               # the report due?" still asks for a time limit.
                               r"when (?:was|were|did) .{0,100}(?:\bdue\b|ha(?:ve|d) to\b|supposed to\b)")),
    # "How many kronor …?" asks for a sum (below).
    # ("What has driven the increase in the number of inmates?" asks why a number changed.)
    (AnswerType.COUNT, _cue(r"(?:how many|hur många)(?! (?:kronor|euros?|dollars?|sek)\b)|"
                            r"(?<!increase in )(?<!rise in )(?<!growth in )(?<!decrease in )(?<!fall in )"
                            r"(?<!drop in )(?<!change in )"
                            # "What is the aim of the inquiry … to increase the number of clinical trials?"
                            # asks what it is for: a number changed is what the question is about.
                            r"(?<!increase )(?<!increasing )(?<!raise )(?<!raising )(?<!reduce )(?<!reducing )"
                            r"(?<!double )(?<!doubling )(?<!boost )(?<!boosting )(?<!limit )(?<!limiting )"
                            r"\b(?:the|a|total|what)"
                            r"(?: (?:average|mean|median|maximum|minimum|estimated))? number of"
                            # "What is the number of the EU directive …?" asks which one: an identifier.
                            r"(?! (?:the|this|that|its)\b)|"
                            r"(?<!ökningen av )(?<!ökning av )(?<!minskningen av )(?<!minskning av )"
                            # "Hur utvecklades antalet avrättningar?" asks how it changed, not how many.
                            r"(?<!utvecklades )(?<!utvecklats )(?<!utvecklas )(?<!förändrades )(?<!förändrats )"
                            r"(?<!öka )(?<!ökar )(?<!minska )(?<!minskar )(?<!fördubbla )(?<!begränsa )"
                            r"\bantal(?:et)?\b")),
    # "What is the maximum penalty for …?", "maxstraff för …?": prison as often as a sum (never vetoes).
    (AnswerType.PENALTY, _cue(r"\b(?:penalt(?:y|ies)|punishments?|sentence for|maxstraff\w*|straff(?:et|en|skala\w*)?|"
                              r"påföljd\w*|straffsats\w*)\b")),
    (AnswerType.MONEY, _cue(rf"how much (?:money|does .{{0,40}}cost|is .{{0,40}}(?:worth|paid))|"
                            # "What is the maximum the agency may spend …?": money to be used.
                            r"\bwhat (?:is|was) the (?:maximum|most)\b.{0,80}\b(?:spend|use|pay|receive|requisition|"
                            r"allocate|borrow)\b|"
                            # "How much did Sweden pledge …?", "… put into free research?", "… intend to set
                            # aside annually …?": money given (not "how much time will they spend").
                            r"\bhow much (?!time\b|effort\b|work\b|energy\b)(?:did|does|do|will|would|has|have|had|"
                            r"is|are|was|were) .{0,60}\b(?:pledge[ds]?|donat(?:e|es|ed)|contribut(?:e|es|ed)|put into|"
                            r"invest(?:s|ed)?|set aside|allocated|earmarked|spen[dt])\b|"
                            # "What would the energy tax on diesel be per litre …?": a price of a unit.
                            r"\b(?:tax|duty|levy|fee|charge|price)\b[^?]{0,40}\bper (?:litre|liter|kilowatt[- ]hour|"
                            r"kwh|kilo(?:gram)?|kg|tonne|ton|unit|cubic metre)\b|"
                            # "What is the equipment package worth?", "Vad är paketet värt?"
                            r"\bwhat (?:is|was|are|were) .{1,80}\bworth\b|\bvad (?:är|var) .{1,60}\bvärt\b|"
                            r"(?:how many|hur många) (?:kronor|euros?|dollars?|sek)\b|"
                            rf"how (?:much|big|large|high)\b.{{0,60}}\b(?:{MONEY_NOUNS})\b|"
                            rf"\b(?:{MONEY_NOUNS})\b.{{0,60}}\bhow (?:much|big|large|high)\b|"
                            r"what (?:is|was|are|were) the .{0,30}\b(?:budget|cost|price|fee|salary|wage|amount|sum|"
                            r"grant|fine|financial envelope|share capital)s?\b|amount(?:s|ed)? to\b|"
                            # "What was the value of the portfolio …?" asks what it was worth.
                            r"what (?:is|was|were|are) the (?:total |market |combined )?value of "
                            r"(?:the|its|their|[\w-]+'s)\b|"
                            r"vad (?:är|var) (?:det )?(?:sammanlagda |totala )?värdet (?:på|av)\b|"
                            # "What annual user fee …?", "What daily allowance …?", "Vilken sanktionsavgift …?":
                            # one sum asked for by name ("What monthly remuneration threshold …?" asks a level).
                            # ("Between which electricity price areas …?" asks for areas.)
                            # ("Which minister presented the budget …?" asks for the minister.)
                            r"\b(?:what|which) (?!(?:ministers?|state secretar(?:y|ies)|commissioners?|persons?|"
                            r"people|officials?|agency|agencies|authority|authorities|bod(?:y|ies)|countr(?:y|ies))\b)"
                            r"(?:[\w-]+ ){0,3}(?:fee|charge|price|salary|wage|budget|amount|"
                            r"sum|fine|allowance)\b(?! (?:of|for) (?:the )?\w+s\b)(?! threshold)"
                            r"(?! (?:areas?|zones?|regions?|categor\w+|classes|groups?|types?|kinds?)\b)|"
                            r"\bvilk(?:en|et) (?:[\wåäö-]+[aegt] )?(?:[\wåäö]*avgift(?:en)?|[\wåäö]*taxa(?:n)?|"
                            r"pris(?:et)?|summa(?:n)?|belopp(?:et)?|beloppsgräns(?:en)?|lön(?:en)?|budget(?:en)?|"
                            r"ersättning(?:en)?|böter|"
                            r"bötesbelopp\w*|vite(?:t)?)\b|"
                            # A figure asked for in a currency is a sum: "Vilket mjölkpris i kronor per kilo …?"
                            r"\bi (?:kronor|euro)\b|\bin (?:kronor|sek|euros?)\b|"
                            # "Vilka belopp föreslås …?" asks for sums ("vilka avgifter" may ask which kinds).
                            r"\bvilka (?:[\wåäö-]+[aegt] )?(?:belopp(?:en)?|summor(?:na)?)\b|"
                            # "Hur mycket får de använda?" is money; "hur mycket får de jobba?" is not.
                            rf"hur mycket (?:pengar|kostar|satsa|avsätt)|vad (?:kostar|kostade)\b|"
                            # "Vad har besöket kostat?"
                            r"\bvad (?:har|hade)\b.{0,60}\bkostat\b|"
                            # "Vad beräknas den nya nämnden kosta per år?", "What will the board cost?"
                            r"\bvad (?:beräknas|bedöms|väntas|kommer|ska|skulle|kan)\b.{0,80}\bkosta\b|"
                            r"\bwhat (?:will|would|does|did|could) .{1,80}\bcost\b(?! of)|"
                            # "Hur mycket beräknas förbindelsen kosta?", "How much will the road cost?"
                            r"\bhur mycket\b.{0,60}\bkost(?:a|ar|ade|at)\b|\bhow much\b.{0,60}\bcost(?:s|ed)?\b|"
                            r"hur mycket (?:får|fick|ska|skulle)\b.{0,60}\b(?:använda|betala|betalas|tjäna|"
                            r"satsa|avsätta|tillföra|tillförs|fördela|fördelas|spara|låna)\b|"
                            rf"hur (?:mycket|stor(?! del)|stort|stora|höga?)\b.{{0,60}}\b(?:{MONEY_NOUNS})\b|"
                            # A compound of a money noun: "Hur mycket betalar Sverige i årlig medlemsavgift?"
                            r"hur (?:mycket|stor|stort|stora|höga?)\b.{0,60}\w(?:avgift|kostnad|ersättning|"
                            r"premie)(?:en|er|erna)?\b")),
    (AnswerType.QUANTITY, _cue(r"how much|how big|how large|how high|how low|by how much|hur mycket|hur stor|"
                               r"hur stort|hur stora|hur hög|hur högt|med hur mycket|"
                               # "What was Sweden's total fertility rate in 2023?": a figure.
                               r"\bwhat (?:is|was|are|were|will be) (?:the |[\w-]+'s )?(?:[\w-]+ ){0,3}rates?\b"
                               r"(?! (?:of )?(?:change|progress)\b)|"
                               # "What rate would the energy tax stay at …?", "What monthly threshold is proposed?"
                               r"\bwhat (?:[\w-]+ ){0,2}(?:rate|threshold)\b(?! (?:of )?(?:change|progress)\b)|"
                               # "What reduction obligation level for diesel will apply?" (not "what level of
                               # government …", which asks who).
                               r"\bwhat (?:[\w-]+ ){1,3}level\b(?! of\b)|"
                               # A tax rate is a share or kronor per unit: "Vilken skattesats på el …?"
                               r"\bvilken (?:[\w-]+ )?\w*skattesats\b|\b\w*skattesatsen\b|"
                               # "What is the overall ceiling for the guarantees?", "Vad är taket för …?"
                               r"\bwhat (?:is|was|will be) the (?:[\w-]+ ){0,2}(?:ceiling|cap)\b|"
                               r"\bvad (?:är|var|blir) (?:det )?(?:[\wåäö-]+ )?(?:taket|maxbeloppet|maxtaket)\b|"
                               # "På vilken nivå ska skuldankaret ligga?", "What is the most a
                               # lorry may carry?" (not "the most common …"; money to spend: above).
                               r"\b(?:på|till) vilken nivå\b|\b(?:at|to|up to) what (?:[\w-]+ )?(?:level|weight|size|"
                               r"height|length|speed|volume|capacity|temperature)\b|"
                               # "What daily salt intake in grams …?": a measure in a unit.
                               r"\bin (?:grams|kilos|kilograms|tonnes|tons|litres|liters|kilometres|kilometers|metres|"
                               r"meters|kilowatt[- ]hours|megawatts|gigawatts)\b|"
                               r"\bi (?:gram|kilo|ton|liter|kilometer)\b|"
                               r"\bwhat (?:is|was) the most (?:that )?(?:[\w-]+ ){1,2}"
                               r"(?:may|can|could|is allowed to)\b")),
    # ("… gather views from when drafting guidance?" asks whom, not since when.)
    (AnswerType.DATE, _cue(rf"{WHEN}|what date|which date|what year|which year|"
                           r"\b(?:since|from) when\b(?! \w+ing\b)|"
                           # "What are the interim and final reporting dates …?", "Vilka är datumen …?"
                           r"what (?:is|was|are|were) the (?:\w+ ){0,4}(?:date|year)s?\b|"
                           r"vilk(?:a|et) (?:är|var) (?:\w+ ){0,3}datum(?:en|et)?\b|"
                           r"(?:which|what) (?:day|days|dates)(?= (?:was|is|will|did|does|do|are|were|has|had|of)\b)|"
                           # ("Vilka ikraftträdandedatum föreslås?" asks for dates by a compound; "I vilka
                           # årskurser …?" asks for school years, not for a year; "vilken dagordning" for no day.)
                           r"vilk(?:a|et) [a-zåäö]*datum|vilket års?\b|vilka års?\b|sedan när|från (?:och med )?när|"
                           r"vilken dag\b|vilka dagar\b|vilken vecka\b|(?:which|what) week\b|vilken månad\b|"
                           r"(?:which|what) month\b|"
                           # "During which period will the council be active?": from a day to a day.
                           r"\b(?:during|in|for|over) (?:which|what) (?:time )?period\b|\bvilken (?:tids)?period\b")),
    (AnswerType.PERSON, _cue(r"\bwho (?:is|was|were|will be|becomes|became) (?:the )?(?:[\w-]+ ){0,3}?(?:minister|"
                             r"head|chair\w*|director|coordinator|spokes\w+|author|speaker|investigator|"
                             r"rapporteur|ambassador|governor|state secretary|secretary[- ]general)\b|"
                             # "Who has been named the new director-general …?": the one chosen.
                             r"\bwho (?:was|were|has been|have been|is|will be) (?:appointed|named|chosen|selected|"
                             r"elected|nominated|recruited)\b|"
                             r"\bwho (?:gave|held|delivered|wrote|signed|spoke|said)\b|name of the|"
                             # An inquiry is led by its investigator: "Who is leading the new inquiry into …?"
                             rf"{ASKS_WHO_LEADS_AN_INQUIRY}|"
                             # Post holders asked for by title, the same in both languages.
                             # ("Which two Swedish ministers …?")
                             r"\bwhich (?:[\w-]+ ){0,2}(?:minister|ministers|state secretar(?:y|ies)|ambassadors?|"
                             r"commissioners?)\b|"
                             # (A member of the government too: "Vilket statsråd deltar …?", "Vilka statsråd …?")
                             r"\bvilk(?:en|et|a) (?:[\w-]+ ){0,2}(?:minister|ministrar|statsråd|statssekreterare|"
                             r"ambassadör\w*|(?:[\w-]+-)?kommissionär\w*)\b|"
                             # A post asked for by its title: "Vem är jämställdhets- och arbetslivsminister?"
                             rf"vem (?:är|var|blir|blev) (?:[\w-]+ (?:och |& )?){{0,3}}?(?:{POSTS})\b|"
                             # ("Vad heter ramverket?" asks a name, not a person's: only a post's holder.)
                             r"vem (?:höll|skrev|talade|undertecknade|sa|sade)\b|vem utsågs|"
                             # "Vem har regeringen utsett till nationell kärnkraftssamordnare?": a post's holder.
                             rf"vem (?:har|hade) \w+ (?:utsett|utnämnt|anställt|valt) till (?:[\w-]+ ){{0,2}}?"
                             rf"\w*(?:{POSTS})\b|"
                             rf"vad heter (?:[\w-]+ ){{0,3}}?(?:{POSTS})\b")),
    (AnswerType.DEFINITION, _cue(r"\bwhat is meant by\b|\bwhat (?:does|do) .{1,80} mean\b|\bhow (?:do|does) .{1,40} "
                                 r"define\b|\bhow (?:is|are) .{1,40} defined\b|\bdefinition of\b|"
                                 r"\b(?:who|what) (?:counts|count|is counted|are counted) as\b|"
                                 r"\bvad (?:menas|avses) med\b|"
                                 # "Vad innebär det att visa tillbörlig aktsamhet?": what a phrase means.
                                 r"\bvad innebär det att\b|\bwhat does it mean to\b|"
                                 r"\bvad betyder\b|\bhur definieras\b|\bdefinition\w* av\b|"
                                 r"\b(?:vem|vilka|vad) räknas som\b|"
                                 # Who may apply is told by a rule's test: "Behörig att söka är den som …".
                                 r"\b(?:vem|vilka) (?:är|blir) behörig\w*|\bwho (?:is|are) eligible\b|"
                                 # What an abbreviation stands for.
                                 rf"{ASKS_WHAT_IT_STANDS_FOR}")),
    # "Which article was breached?", "Vilket betänkande …?", "Vilken lag reglerar …?": a citation.
    # ("What does the bill … clarify?" asks what it says, not which bill.)
    (AnswerType.REFERENCE, _cue(r"\b(?:which|what) (?!(?:does|did|do|will|would|should|must|can|could|is|are|was|"
                                r"were|has|have|had) (?:the|this|that|its|their)\b)"
                                r"(?:[\w-]+ ){0,2}(?:articles?|sections?|paragraphs?|"
                                r"acts?(?! of)|laws?|statutes?|ordinances?|regulations?|directives?|bills?|"
                                r"inquiry reports?|"
                                r"government reports?)\b|"
                                r"\bvilk(?:en|et|a) (?:[\wåäö-]+ ){0,2}(?:artikel\w*|paragraf\w*|lag(?:en|ar|arna)?|"
                                r"förordning\w*|direktiv\w*|proposition\w*|betänkande\w*|utredning(?:en|ar)?|"
                                r"promemoria\w*|kapitel\w*|bestämmelse\w*)\b")),
    (AnswerType.BODY, _cue(r"\bwho\b|\bwhom\b|which (?:[\w-]+ ){0,3}(?:agency|agencies|authority|authorities|"
                           r"regulators?|"
                           r"organi[sz]ations?|bod(?:y|ies)|committee|council|board|department|ministry|office|unit|role|post|"
                           r"function|actor|actors|municipalit(?:y|ies)|parties|party|countr(?:y|ies)|member states?|"
                           # Institutions asked for by kind: "Which hospital …?", "Vilket universitet …?"
                           r"hospitals?|universit(?:y|ies)|compan(?:y|ies)|firms?|schools?|courts?)\b"
                           # … unless it only qualifies the noun asked about: "which school subject".
                           r"(?! (?:subjects?|years?|levels?|grades?|meetings?|reports?|websites?|pages?|"
                           r"plans?|programmes?|programs?|budgets?|decisions?)\b)|"
                           r"\bvem\b|\bvilka\b (?:myndigheter|organisationer|aktörer|kommuner|instanser|parter|"
                           r"sjukhus|universitet|företag|bolag|skolor|domstolar)|"
                           # ("Vilka länders etiska råd …?" asks for the councils.)
                           r"\bvilka (?:länder|medlemsstater|medlemsländer)\b|"
                           # Hosts, a person or a country: "Vilka var medvärdar för mötet?"
                           r"\bvilka (?:var|är|blir|blev) (?:med)?värdar\b|\bvilk(?:en|et) (?:var|är|blir|blev) "
                           r"(?:med)?värd\b|"
                           r"\bvilken\b (?:myndighet|organisation|nämnd|aktör|instans|förvaltning|enhet|funktion|"
                           r"roll|avdelning|part|kommun|region|högskola|skola|domstol|medlemsstat)|"
                           r"\bvilk(?:et|a) lärosäten?\b|\bwhich (?:[\w-]+ ){0,2}institutions?\b|"
                           r"\bvilket\b (?:svenskt )?(?:departement|organ|verk|råd|sjukhus|universitet|företag|bolag)|"
                           r"\bvilka ska\b|med vilka|"
                           # "Vilka kan till exempel få stöd …?": who may receive it.
                           r"\bvilka (?:kan|får) (?:[\wåäö]+ ){0,2}(?:få|söka|ansöka)\b|"
                           # Asked as a keyword: "leisure card for children – lead agency?"
                           r"\b(?:lead|responsible|main|coordinating)\s+(?:agency|agencies|authority|authorities|"
                           r"body|bodies)\b|\bansvarig(?:a)? myndighet(?:er)?\b")),
    # "fit for purpose" judges a thing; "Vad vill regeringen uppnå med mötena?" asks what they are for.
    (AnswerType.PURPOSE, _cue(r"(?<!fit for )\bpurpose\b|\baims? (?:of|to)\b|\b(?:meant|intended) to\b|"
                              r"\bwhat is .{0,60} for\?|\b\w*syfte\w*|\bsyftar\b|\bändamål\w*|\bavsikt\w*|"
                              # "Vad är målet för jämställdhetspolitiken?", "What is Sweden's goal for the
                              # chairmanship?"
                              r"\buppnå med\b|\bvad är (?:det )?(?:övergripande )?målet (?:med|för)\b|"
                              r"\bwhat (?:is|was|are|were) (?:the|[\w-]+['’]s?|its|their|our) (?:overall |main )?"
                              r"(?:goals?|objectives?) (?:of|for|with)\b|"
                              r"\b(?:want|wants|wanting|hope|hopes|hoping|aim|aims|aiming|"
                              r"try|tries|trying|seek|seeks|seeking) to achieve\b")),
    # ("… for closed mines where the guarantees are insufficient?": a relative "where" asks no place.)
    (AnswerType.PLACE, _cue(r"(?:^|[,;:–—]\s*|\b(?:and|or)\s+)\W*where\b|"
                            r"\bwhere (?:is|was|are|were|did|does|do|will|would|can|could|should|must|has|have|had)\b|"
                            r"which (?:\w+ )?(?:city|town|place|region|county|country|location)|"
                            r"\bvar\b (?:ligger|låg|finns|fanns|hålls|hölls|sker|skedde|äger|ägde)|\bvart\b|"
                            r"vilken (?:\w+ )?(?:stad|ort|plats|region|län)|"
                            r"vilket (?:land|län)")),
    # "Vad ska redovisningen innehålla?", "What should the interim report cover?"
    # ("What is the theme of the Stockholm+50 meeting?", "Vilket tema har mötet?": what it takes up.)
    (AnswerType.CONTENT, _cue(r"\bwhat (?:is|was|are|were) the (?:main |overall )?(?:themes?|topics?)\b|"
                              r"\bvad (?:är|var) (?:huvud)?temat?\b|\bvilke?t (?:\w+ )?tema\b|"
                              r"\bvad ska .{1,80}\b(?:innehålla|omfatta|inkludera|behandla|belysa|redovisa|"
                              r"informera om|ta upp)\b|\bwhat (?:should|must|will|is|are|does|do) .{1,80}\b(?:cover|"
                              r"include|contain|address|set out|describe)\b")),
    (AnswerType.CONDITION, _cue(rf"\b(?:när|when)(?={ON_WHAT_GROUNDS})|"
                                r"\bvad händer om\b|\bwhat happens (?:if|when)\b|\b(?:under|on) what conditions?\b|"
                                r"\b(?:på|under) vilka (?:villkor|förutsättningar)\b|\bvilka (?:villkor|krav|"
                                r"förutsättningar)\b|\bwhat (?:are the )?(?:requirements|conditions)\b|\bvad krävs\b|"
                                r"\bwhat is required\b|"
                                # "In which case would the waiting period be dropped?"
                                r"\bin (?:which|what) cases?\b|\bi vilk(?:a|et) fall\b")),
    (AnswerType.YES_NO, VERB_FIRST),
    (AnswerType.REASON, _cue(r"\bwhy\b|\bvarför\b|\bav vilken anledning\b|\bfor what reason\b|"
                             r"\bvad (?:är|var) (?:skälet|skälen|anledningen|orsaken|orsakerna)\b|"
                             r"\bwhat (?:is|was|are|were) the (?:reasons?|causes?)\b|"
                             # "According to the government, what has driven the increase …?"
                             r"\bwhat (?:has |have |had )?(?:driven|drives|drove|caused|causes|lies behind|"
                             r"is behind)\b|"
                             r"\bvad (?:har |som )?(?:drivit|driver|orsakat|orsakar|ligger bakom)\b")),
]
