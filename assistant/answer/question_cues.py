"""The cue words of questions that several kinds of fact share, as patterns: what names money
(``MONEY_NOUNS``), a "when" that asks for a time (``WHEN``) and one that asks on what grounds
(``ON_WHAT_GROUNDS``), a post asked for by title (``POSTS``), a question opening with its verb
(``VERB_FIRST``), and the questions for who leads an inquiry, what an abbreviation stands for,
how many of a whole named and the item in a place of several. ``answer_type.ASKS`` is built of them; ``relations``,
``specifics``, ``fact_forms``, ``person_forms`` and ``asked_kind`` read some of them too. Regex
work only."""

from __future__ import annotations

from assistant.answer.events import cue as _cue
from assistant.answer.number_words import ORDINALS_EN, ORDINALS_SV

# (A pay gap is a share as often as a sum: "How large was the gender pay gap …?", "Hur stor är
# löneskillnaden …?")
MONEY_NOUNS = (r"money|cost|costs|budget|fund(?:s|ing|ed)?|grant|grants|allowance|subsid\w*|bonus|premium|fee|fees|"
                r"price|(?:salary|wage|pay)(?! (?:gaps?|differences?)\b)|compensation|support|aid|"
                r"kronor|sek|pengar(?:na)?|kostnad\w*|kostar|"
                # ("budgetåtgärderna" are measures: their effect is asked, not a sum; "i budgetpropositionen"
                # still speaks of money.)
                r"budget(?!åtgärd)\w*|"
                r"anslag\w*|bidrag\w*|medel|medlen|stöd\w*|premie\w*|avgift\w*|pris\w*|lön(?!eskillnad|egap)\w*|ersättning\w*|belopp(?:et|en)?\b|"
                r"summa\w*|kronor|\w*taxa(?:n|or|orna)?|"
                # A frame of money: "Hur stor är den ekonomiska planeringsramen?"
                r"(?:planerings|budget|utgifts|kostnads)ram\w*|planning (?:frame|envelope)s?|spending (?:limit|cap)s?")
# "… och när är det tillåtet?", "when is it allowed?" ask on what grounds, not at what time.
ON_WHAT_GROUNDS = (r" (?:är|blir|var) (?:det|detta|de|den) (?:tillåtet|tillåten|tillåtna|möjligt|förbjudet|befogat|"
              r"motiverat|nödvändigt)\b| (?:is|are|was|were) (?:it|they|this) (?:allowed|permitted|possible|"
              r"justified|necessary|forbidden)\b|"
              # A thing named: "När är abort tillåtet i Argentina?", "When is abortion legal?" (what
              # is lawful when is a rule's case; "När blir det möjligt att söka?" may ask for a day).
              # (Said of it, not of a noun after it: "When are the legal changes … to take effect?")
              r" (?:är|var) (?:[\wåäö-]+ ){1,3}?(?:tillåtet|tillåten|tillåtna|förbjudet|förbjuden|förbjudna|"
              r"lagligt|laglig|olagligt|olaglig)(?=\s*(?:[?,.]|$|(?:i|för|enligt|på|inom|under)\b))|"
              r" (?:is|are|was|were) (?:[\w-]+ ){1,3}?(?:allowed|permitted|legal|illegal|forbidden|banned)"
              r"(?=\s*(?:[?,.]|$|(?:in|for|under|according|on|within)\b))|"
              # "When should the support not be paid out?", "När ska kravet … inte gälla?": a rule's
              # exception is a condition, not a date (a "not" in the main clause, not in a relative
              # one: "When should the proposals that are not about … enter into force?").
              r" (?:should|must|may|can|shall|will|ska|skall|får|kan|bör)\b"
              r"(?:(?!\b(?:that|which|who|som|när|when|if|om)\b)[^?,;]){0,100}?\b(?:not|inte|ej)\b|"
              # When one may or can do a thing is in what case ("When may the party … turn down a
              # request?" – "får bara neka om …"); "När ska …?" and "When must … submit …?" ask for a time.
              r" (?:may|can|får|kan)\b|"
              # What a thing counts as is decided by a rule's test: "When are two companies regarded as
              # being in a community of interest?", "När anses ett barn vara …?" ask in what case.
              r" (?:is|are)\b[^?,;]{1,80}?\b(?:regarded|considered|deemed|classed|classified) (?:as|to be)\b|"
              r" (?:anses|räknas|betraktas|klassas)\b[^?,;]{0,80}?\b(?:som|vara)\b")
# Swedish "när" and English "when" ask for a time at the head of a question or clause ("När ska …",
# "and when …", "Bidragstaket – när …?"), not inside one ("… samråda med när det tar fram …",
# "… languages when hiring").
WHEN = rf"(?:^|[,;:–—]\s*|\s-\s+|\b(?:and|och|or|eller)\s+)\W*(?:when|när)\b(?!{ON_WHAT_GROUNDS})|" \
        rf"\bwhen(?!{ON_WHAT_GROUNDS}) (?:is|was|are|were|did|does|do|will|would|should|must|has|have|had|can|could)\b"
# Swedish posts: asked for by title ("Vem är kommunchef?") and naming a person beside a name
# ("generaldirektör Anna Ek", "Anna Ek, generaldirektör").
POSTS = (r"\w*minister\w*|statsråd\w*|generaldirektör\w*|ordförande\w*|landshövding\w*|kommundirektör\w*|"
          r"kommunchef\w*|samordnare\w*|utredare\w*|talesperson\w*|rektor\w*|direktör\w*|chef\w*|"
          r"ambassadör\w*|statssekreterare\w*|kommissionär\w*")
# "Hur många av gängmedlemmarna saknar EU-medborgarskap?", "How many of the members …?": a part of
# a whole named, told as a share as often as a count ("50 procent av gängmedlemmarna är inte …").
ASKS_HOW_MANY_OF_THEM = _cue(r"\bhur många av (?:de|dem|dessa|[\wåäö-]+(?:na|rna))\b|"
                             r"\bhow many of (?:the|them|these|those|its|their)\b")
# "Får landstinget informera …?", "Ska MSB också …?", "Are the companies covered …?": a verb first.
VERB_FIRST = _cue(r"^\W*(?:och\s+|and\s+)?(?:får|ska|skall|måste|kan|är|finns|omfattas|gäller|behöver|"
                   # "Delar regeringen Riksrevisionens bedömning …?": whether a view is shared.
                   r"krävs|delar|instämmer|may|can|must|should|shall|is|are|does|do|will)\b")
# Lookbehinds: not after a number written in words ("två procent", "two per cent").
NOT_AFTER_NUMBER_WORD = "".join(f"(?<!\\b{word} )" for word in (
    "en", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "one", "two", "three", "four",
    "five", "six", "seven", "eight", "nine", "ten"))


# Who leads an inquiry (its investigator, a person): "Who is leading the new inquiry into …?", "Who
# chairs the commission …?", "Vem leder utredningen …?". ``relations`` reads it as asking who was
# appointed, ``specifics`` as asking for the post of investigator.
ASKS_WHO_LEADS_AN_INQUIRY = (r"\bwho (?:heads|leads|chairs|will head|will lead|will chair|(?:is|was|will be) "
                             r"(?:leading|heading|chairing|in charge of|conducting)) (?:the|this|that|an?) "
                             r"(?:[\w-]+ ){0,3}?(?:inquiry|investigation|review|commission)\b|"
                             r"\bvem (?:leder|ledde|ska leda|kommer att leda|har lett|är ordförande i) "
                             r"(?:den |det )?(?:[\w-]+ ){0,2}?utredning\w*")
# What an abbreviation stands for, the abbreviation named ``short``: "Vad står förkortningen bob för?",
# "What does EPPO stand for?" (``fact_forms`` looks for it spelled out).
ASKS_WHAT_IT_STANDS_FOR = (r"\b(?:what (?:does|do) (?:the (?:abbreviation|acronym) )?(?P<short>[\w.-]+) stand for|"
                           r"vad står (?:förkortningen |akronymen )?(?P<kort>[\w.-]+) för)\b")


# "What is the first one?", "Vilken är den andra av dem?": the item in a place of several just named.
ASKS_NTH = _cue(rf"\b(?:the|den|det) (?P<place>{'|'.join([*ORDINALS_EN, *ORDINALS_SV])})"
                r"(?: one\b| (?:of|av) (?:them|these|those|dem|dessa|de)\b|\W*$)")
