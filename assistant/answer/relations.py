"""The role a question for a body or person asks about, beyond its kind of fact: who was given a task,
whom someone is to consult, where one applies, who may apply or receive, who took over, who pays,
who appoints, who decides, to whom something is reported, who coordinates, who took the
initiative, who organised an event. Each relation has a question cue and a sentence cue, in Swedish
and English; a sentence with the relation's cue gives the role the question asks about
(``selection``'s ``assigns`` feature), as "ansvarar för" does for a question of who is responsible.

Regex work only: one search per question, one per candidate sentence.
"""

from __future__ import annotations

import re
from enum import StrEnum

from assistant.answer.events import cue as _cue
from assistant.answer.question_cues import ASKS_WHO_LEADS_AN_INQUIRY


class Relation(StrEnum):
    TASKED = "tasked"  # "Vilken myndighet fick i uppdrag att …?" – "Regeringen uppdrar åt X att …"
    PARTNER = "partner"  # "Vilka ska X samråda med?" – "i samråd med Arbetsförmedlingen"
    APPLIED_TO = "applied_to"  # "Which agency do people apply to?" – "Ansökan lämnas till Försäkringskassan"
    RECIPIENT = "recipient"  # "Vilka kan söka stödet?" – "Stödet kan sökas av kommuner"
    SUCCESSOR = "successor"  # "Who took over after X?" – "min efterträdare, Lars Danielsson"
    FUNDER = "funder"  # "Vem finansierar projektet?" – "Projektet finansieras av Vinnova"
    APPOINTER = "appointer"  # "Vem utser ledamöterna?" – "Ledamöterna utses av regeringen"
    APPOINTED = "appointed"  # "Who has been appointed to head the inquiry?" – "… utser Åsa Hansson … till utredare"
    APPROVER = "approver"  # "Who has to approve any transfer?" – "… måste alltid godkännas av säkerhetsrådet"
    REPORTS_TO = "reports_to"  # "Till vem ska uppdraget redovisas?" – "redovisas till Regeringskansliet"
    SPEAKER = "speaker"  # "Which minister is quoted …?" – "…, säger infrastrukturminister Anna Ek"
    COORDINATOR = "coordinator"  # "Vilket lärosäte ska samordna arbetet?" – "Uppsala universitet ska samordna"
    DECIDER = "decider"  # "Vem ska bestämma direktörens roll?" – "Direktörens roll ska fastställas av styrelsen"
    INITIATOR = "initiator"  # "Vem tog initiativet till mötet?" – "Generalsekreteraren har tagit initiativ till …"
    ORGANISER = "organiser"  # "Which agency organised the conference?" – "Konferensen arrangerades av …"


# Whom something may go to, said outright ("stöd kan ges till bl.a. bostadsrättsföreningar", "kan
# sökas av kommuner"): the recipients, though often a kind of body named by no name. (Not "ska
# lämnas till": a report is handed in so.)
_GIVEN_TO_WORDS = (r"(?<!inte )\b(?:kan|får|ska) (?:ges|beviljas|betalas ut) till\b|(?<!inte )\b(?:kan|får) sökas av\b|"
                   r"\b(?:can|may|will) be (?:given|granted|awarded|paid) to\b|\bis open to\b")

# Question cue, sentence cue. Most specific first: "Vilka ska samråda med …" before anything else.
_RELATIONS: dict[Relation, tuple[re.Pattern[str], re.Pattern[str]]] = {
    # Not "who leads the work?": "ansvarar för" answers it before the government's instruction does.
    Relation.TASKED: (
        _cue(r"\b(?:fick|får|ges|gavs|getts|fått|har fått|tilldelades)\b.{0,20}\buppdrag|"
             r"\buppdra(?:gits|git|s)\b|\btasked\b|\bcommissioned\b|\bassigned\b|\binstructed\b|"
             r"\bmandated\b|\bgiven the (?:task|assignment|job)\b"),
        _cue(r"\buppdra(?:r|g|gen|get|gits|git)\b|\bi uppdrag\b|\bi uppgift\b|\btask(?:s|ed)?\b|\bcommission(?:s|ed)\b|"
             r"\binstruct(?:s|ed)\b|\bassign(?:s|ed)\b")),
    # Not "work with": "what does the unit work with?" asks what it works on.
    Relation.PARTNER: (
        # Whose views are sought is whom one consults: "Vilken myndighet ska få lämna synpunkter?"
        _cue(r"\b(?:samråda|samverka|samarbeta|konsultera|rådgöra)\w*\b|\bi samråd med\b|\btillsammans med\b|"
             r"\b(?:cooperat|collaborat|consult|liais)\w*\b|\bpartner\w*\b|\bsynpunkter\b|\byttra sig\b|"
             r"\b(?:views|comments)\b|\bhear from\b|"
             # "Which two agencies should it work with?" asks for partners ("what does it work with?" does not).
             r"\b(?:which|what) (?:[\w-]+ ){0,2}(?:agenc(?:y|ies)|authorit(?:y|ies)|bod(?:y|ies)|organi[sz]ations?|"
             r"partners?|actors?)\b.{0,80}\bwork (?:together )?with\b|\bwho(?:m)?\b.{0,60}\bwork (?:together )?with\b"),
        _cue(r"\bi samråd med\b|\bsamråd\w* med\b|\bsamverka\w* (?:[\wåäö]+ ){0,3}(?:med|gentemot)\b|"
             r"\bsamarbet\w* med\b|\bi samarbete med\b|\bkonsulter\w*|\binhämta\w*|\brådgör\w*|"
             r"\bsynpunkter (?:från|in)\b|\bin synpunkter\b|\bberedas? (?:möjlighet|tillfälle)\b|\byttra sig\b|"
             r"\b(?:cooperat|collaborat|consult)\w*|\bviews (?:of|from)\b")),
    # Before "recipient": "Which agency can people apply to?" asks where, not who may apply.
    Relation.APPLIED_TO: (
        _cue(r"\bapply (?:to|at|with)\b|\bapplications?\b.{0,30}\b(?:sent|submitted|made|go) to\b|"
             r"\b(?:hos|till) (?:vilken|vilket|vem)\b.{0,40}\b(?:ansök|söka|söker)|"
             r"\bvar\b.{0,30}\b(?:ansöker|söker|ansöka|söka)\b"),
        _cue(r"\bansökan\b.{0,60}\b(?:lämnas|skickas|görs|ges in) (?:till|hos)\b|"
             r"\b(?:ansöka|ansöker|ansöks|söka|söks|sökas) (?:[\wåäö-]+ ){0,4}hos\b|"
             r"\bapplications?\b.{0,40}\b(?:to|with)\b|\bapply (?:to|at|with)\b")),
    Relation.RECIPIENT: (
        _cue(r"\b(?:who|which \w+)\b.{0,40}\b(?:can|may|could|will)\b.{0,20}\b(?:receive|apply|get|be granted)\b|"
             r"\beligible\b|\btarget groups?\b|\bvem\b.{0,30}\b(?:kan|får|ska)\b.{0,20}\b(?:söka|ansöka|få del|"
             r"beviljas|ta del)\b|\bvilka\b.{0,40}\b(?:söka|ansöka|beviljas|få (?:stöd|bidrag|ersättning))\b|"
             r"\bmålgrupp\w*|"
             r"\b(?:vem|vilka) riktar sig\b|"
             # "Vilka aktörer är tänkta att ta emot medlen?", "Who are the intended recipients?"
             r"\b(?:ta|tar) emot (?:medl|stöd|bidrag|pengar|ersättning)\w*|\b\w*mottagare\b|\brecipients?\b|"
             r"\breceive (?:the |a )?(?:funds|money|grants?|support|funding)\b|"
             # "Vilken aktör ska få pengar via Jordbruksverket …?", "Which company is to receive a grant …?"
             r"\b(?:vem|vilken|vilket|vilka)\b.{0,30}\b(?:ska|skall|kommer att) få (?:pengar|medel|bidrag|stöd)\b|"
             r"\b(?:who|which \w+)\b.{0,20}\b(?:is|are) to receive\b"),
        _cue(rf"{_GIVEN_TO_WORDS}|\b(?:kan|får) (?:ansöka|söka)\b|\briktar sig\b|\bmålgrupp\w*|"
             # Money paid or passed on to someone: "utbetala medel till RISE", "förmedla bidrag till …".
             r"\b(?:utbetala|betala ut|fördela|förmedla|lämna)\w* (?:[\wåäö]+ ){0,2}(?:medel|bidrag|stöd|pengar) "
             r"till\b|"
             r"\b(?:pay|paid|disburse\w*|award\w*|pass\w* on) (?:[\w-]+ ){0,2}(?:funds|grants?|money) to\b|"
             r"\b\w*mottagare\b|\bberättigade?\b|\bkan beviljas\b|\beligible\b|\bopen to\b|\bcan apply\b|"
             r"\btarget groups?\b|\bintended for\b|\baimed at\b")),
    Relation.SUCCESSOR: (
        _cue(r"\b(?:took|take|takes|taken) over\b|\bsucceed(?:ed|s)?\b|\bsuccessor\b|\breplaced\b|"
             r"\befterträd\w*|\befterföljare\w*|\b(?:tog|tar|tagit) över\b|\bersatte\b|\bersätter\b"),
        # ("… lämnar Åsa Webber över uppdraget … till sin efterföljare Torbjörn Haak": a post handed
        # over to someone names who takes it.)
        # (Not a thing replaced by another: "utmönstra principen … och ersätta den med nya instrument".)
        _cue(r"\befterträd\w*|\befterföljare\w*|\b(?:tog|tar|tagit) över\b|\bersätt\w*(?![^.;]{0,40}\bmed\b)|"
             r"\bersatte\b(?![^.;]{0,40}\bmed\b)|\bsuccessor\b|"
             r"\bsucceed\w*|\b(?:took|takes?|taken) over\b|\breplac\w*|"
             r"\blämna(?:r|de|t)? över\b[^.;]{0,80}?\btill\b|\bhand(?:s|ed)? over\b[^.;]{0,80}?\bto\b")),
    Relation.FUNDER: (
        _cue(r"\bwho (?:pays|paid|funds|funded|finances|financed|will pay|will fund)\b|\b(?:funded|financed|paid) by\b|"
             r"\bvem (?:betalar|betalade|finansierar|finansierade|bekostar|står för)\b|\bfinansieras av\b|"
             # "Vem ska betala arvodena till revisorerna?", "Who has to pay for the upgrade?"
             r"\bvem (?:ska|skall|måste|kommer att|får) (?:betala|finansiera|bekosta|stå för)\b|"
             r"\bwho (?:should|must|shall|has to|have to|is to|is going to) (?:pay|fund|finance|cover)\b|"
             r"\bbekostas av\b"),
        # ("De berättigade parterna ska stå kostnaderna för installation …")
        # ("… det är samordningsförbundet som svarar för arvoden till revisorerna")
        _cue(r"\bfinansier\w*|\bbekosta\w*|\bstå(?:r|tt)? (?:för )?(?:kostnad|utgift)\w*|\bmedel från\b|"
             r"\b(?:svarar|svara|ansvarar) för (?:[\wåäö]+ ){0,2}?(?:kostnad|utgift|arvode|avgift)\w*|"
             r"\bfunded by\b|\bfinanced by\b|"
             r"\bpaid (?:for )?by\b|\bfunds?\b")),
    Relation.APPOINTER: (
        _cue(r"\bwho (?:appoints|appointed|nominates|nominated|elects|elected|chooses|chose)\b|\bappointed by\b|"
             r"\bvem (?:utser|utsåg|utnämner|utnämnde|väljer|valde)\b|\butses av\b"),
        _cue(r"\butse[sr]?\b|\butsåg\b|\butsedd\w*|\butnämn\w*|\bväljs av\b|\bvald\w* av\b|\bappoint\w*|"
             r"\bnominat\w*|\belected by\b")),
    # Who was given a post (after "appointer": "who appointed the members?" asks who chose them).
    Relation.APPOINTED: (
        _cue(r"\bwho (?:has been|have been|was|were|is|will be|had been) (?:appointed|named|chosen|selected)\b|"
             rf"{ASKS_WHO_LEADS_AN_INQUIRY}|"
             r"\bvem (?:har utsetts|utsågs|är utsedd|blev utsedd|har utnämnts|utnämndes|har förordnats)\b|"
             # "Vem leder det nya rådet mot organiserad brottslighet?" – "… och leds av mig som justitieminister."
             r"\bvem (?:leder|ska leda|kommer att leda) (?:det|den|de) (?:nya )?(?:rådet|gruppen|arbetsgruppen|"
             r"delegationen|kommittén|kommissionen|nätverket|beredningen)\b"),
        _cue(r"\butse[rs]?\b|\butsåg\b|\butsedd\w*|\butnämn\w*|\bförordna\w*|\bappoint\w*|"
             r"\btill (?:särskild )?utredare\b|\bleds av\b|\bheaded by\b|\bled by\b|"
             # "… Gunilla Malmborg har tackat ja till att bli särskild utredare."
             r"\btackat ja till att bli\b|\baccepted\b.{0,40}\bto become\b|"
             # "… ge lagmannen Claes Mårtensson i uppdrag att utreda …": a person given an inquiry.
             r"\bi uppdrag att (?:utreda|se över|kartlägga)\b")),
    Relation.APPROVER: (
        _cue(r"\bwho (?:has to|have to|must|should|shall|will|is to|needs to|can) (?:approve|authori[sz]e|sign off)\b|"
             r"\bwho approves\b|\b(?:approved|authori[sz]ed) by whom\b|"
             r"\bvem (?:ska|måste|behöver|kan|får) godkänna\b|\bvem godkänner\b|\bav vem\b.{0,60}\bgodkänn\w*"),
        _cue(r"\bgodkänn\w* av\b|\bgodkänner\b|\bsanktioner\w* av\b|\bapproved by\b|\bauthori[sz]ed by\b|"
             r"\bsubject to (?:the )?approval of\b|\b(?:approval|consent) (?:of|from)\b|\bmedgivande från\b")),
    Relation.REPORTS_TO: (
        _cue(r"\bto whom\b.{0,60}\breport|\breport(?:s|ed)? (?:back )?to\b|\bsubmit\w* (?:it |the \w+ )?to\b|"
             r"\btill (?:vem|vilk\w*)\b.{0,100}\b(?:redovisa|rapportera|lämna)|"
             r"\b(?:redovisa|rapportera)\w* till vilk\w*|"
             r"\bvem\b.{0,40}\b(?:redovisa|rapportera)\w* till\b|"
             # Whom an incident is notified to: "Who must they notify …?", "Till vem ska … anmälas?"
             r"\bnotif(?:y|ies|ied)\b|\b(?:till )?vem\b.{0,60}\banmäl\w*|"
             # Whom one tells: "Vem ska myndigheten genast informera …?", "Whom must it inform?"
             r"\bvem\b.{0,60}\b(?:informera|underrätta)\w*|\b(?:who|whom)\b.{0,60}\binform\b"),
        # ("lämna förslag till hur …" proposes; "lämna … till Regeringskansliet" reports.)
        _cue(r"\b(?:redovisa|rapportera|delredovisa|slutredovisa)\w* (?:[\wåäö-]+ ){0,5}till\b|"
             r"\blämna\w* (?:[\wåäö-]+ ){0,5}till (?:(?-i:[A-ZÅÄÖ])|regeringen\b|\w*departement)|"
             r"\breport\w* (?:back )?to\b|\bsubmit\w* (?:[\w-]+ ){0,4}to\b|"
             r"\banmäl\w* (?:[\wåäö-]+ ){0,10}till\b|\bnotif(?:y|ies|ied)\b|\bunderrätta\w*|\binformera\w*|"
             r"\binform(?:s|ed)?\b")),
    Relation.SPEAKER: (
        _cue(r"\bquot(?:ed|es?)\b|\bcit(?:at|erar|eras|erades|erad\w*)\b|\bwho (?:says|said)\b|"
             r"\bvem (?:säger|sa|sade)\b|\buttala\w*\b"),
        # (A name after the verb: "säger att …" reports what others say.)
        _cue(r"\b(?:säger|sa|sade|says|said)\s+(?:\S+\s+){0,4}(?-i:[A-ZÅÄÖ])|\buttala\w*")),
    # Who coordinates among those given a task: a narrower role than responsibility, which the
    # sentence giving everyone the task ("Regeringen ger A, B och C i uppdrag …") also answers.
    Relation.COORDINATOR: (
        _cue(r"\b(?:who|which)\b.{0,60}\bcoordinat(?:e|es|ing)\b(?!.{0,40}\bwith\b)|"
             r"\b(?:vem|vilken|vilket|vilka)\b.{0,60}\bsamordna(?:r|s)?\b(?!.{0,40}\bmed\b)|"
             r"\bsamordningsansvar\w*"),
        _cue(r"\b(?:ska|skall|kommer att|i uppdrag att) (?:[\wåäö-]+ ){0,2}samordna\b|\bsamordnar\b|\bsamordnas av\b|"
             r"\bsamordningsansvar\w*|\bsamordnande\b|\b(?:will|shall|is to|should) coordinate\b|"
             r"\bcoordinated by\b|\bcoordinates\b")),
    # Who decides or sets something (after "appointer" and "approver", which are narrower).
    Relation.DECIDER: (
        _cue(r"\bvem (?:ska |får |kan )?(?:bestämm?a|bestämmer|besluta[rd]?|fastställ(?:a|er)|avgör(?:a)?)\b|"
             r"\bwho (?:decides|determines|sets|will decide|will determine|is to decide|must decide)\b|"
             r"\b(?:decided|determined|set) by whom\b"),
        _cue(r"\b(?:fastställ|bestäm|beslut|avgör)\w* av\b|\b(?:decided|determined|set|laid down) by\b|"
             r"\b(?:beslutar|fastställer|bestämmer|avgör) (?:[\wåäö-]+ ){0,3}(?:om|vilk|hur)\b")),
    Relation.INITIATOR: (
        _cue(r"\b(?:tog|tar|tagit|take|takes|took|taken)\b.{0,20}\binitiativ\w*|\bpå (?:vems|vilkens) initiativ\b|"
             r"\bwhose initiative\b|\bwho (?:initiated|launched)\b|\bvem initierade\b"),
        _cue(r"\binitiativ\w*|\binitier\w*|\binitiat\w*|\blaunched\b")),
    # Who held a conference or seminar: "Vem stod som arrangör för seminariet?" – "Kulturrådet och
    # Skolverket arrangerade samtalet", "Konferensen arrangerades av Riksantikvarieämbetet".
    Relation.ORGANISER: (
        _cue(r"\borgani[sz](?:ed|es|e|ing)\b|\bhost(?:ed|s)?\b|\barrangör\w*|\barrangera\w*|\banordna\w*|"
             r"\bstod som värd\b"),
        _cue(r"\barrangera\w*|\barrangör\w*|\banordna\w*|\borganiser\w*|\borgani[sz]ed by\b|\bhosted by\b|"
             r"\b(?:var|stod som) värd\w*")),
}

# Roles narrower than responsibility: a question for one is not answered by a sentence assigning
# responsibility in general (``selection``'s ``assigns`` feature reads only the relation's cue).
NARROWER_THAN_RESPONSIBILITY = frozenset({Relation.COORDINATOR})


# Who succeeded someone named is told only by a sentence saying so ("efterträdde", "tog över efter",
# "replaced"): passages naming the predecessor and the post, and no successor, do not say. (Not who
# takes over a task: "Vilken myndighet tar över förvaltningsansvaret?" is answered by whom it is given.)
_SUCCEEDED_SOMEONE = _cue(r"\b(?:efterträd(?:de|er|a)|succeed(?:ed|s)?|replac(?:ed|es)|ersatte|ersätter|"
                          r"(?:took|takes|take|tog|tar|ta) över efter|(?:took|takes|take) over from)\s+(?-i:[A-ZÅÄÖ])")


# A successor named in a sentence: "… lämnar uppdraget till sin efterföljare Torbjörn Haak".
_SUCCESSOR_NAMED = _cue(r"\b(?:efterföljare|efterträdare|successor)\w*,?\s+"
                        r"((?-i:[A-ZÅÄÖ])[\wåäöéü-]+(?:\s+(?-i:[A-ZÅÄÖ])[\wåäöéü-]+)*)")


def names_as_successor(text: str, *, question: str) -> bool:
    """Whether ``text`` names as the successor someone ``question`` names: it tells whom that one
    succeeded, not who succeeded them ("Who succeeded Torbjörn Haak?" is not answered by "… till
    sin efterföljare Torbjörn Haak")."""
    return any(match.group(1) in question for match in _SUCCESSOR_NAMED.finditer(text))


def asks_who_succeeded(question: str) -> bool:
    """Whether ``question`` asks who succeeded someone it names ("Who succeeded Anders Ahnlid …?")."""
    return asked_relation(question) is Relation.SUCCESSOR and _SUCCEEDED_SOMEONE.search(question) is not None


_GIVEN_TO = _cue(_GIVEN_TO_WORDS)


def names_whom_given(text: str) -> bool:
    """Whether ``text`` says outright whom something may be given to (``_GIVEN_TO``)."""
    return _GIVEN_TO.search(text) is not None


def asked_relation(question: str) -> Relation | None:
    """The role ``question`` asks about, if a cue names one (the first in ``_RELATIONS``' order)."""
    return next((relation for relation, (asks, _) in _RELATIONS.items() if asks.search(question)), None)


def gives(relation: Relation, text: str) -> bool:
    """Whether ``text`` gives the role ``relation`` asks about ("i samråd med …" a partner)."""
    return _RELATIONS[relation][1].search(text) is not None


# "Vem ska utarbeta planen?": the one the question's verb is done by ("Planen ska utarbetas av det
# Nationella vårdkompetensområdet"), whatever the verb. Swedish only: an English verb is not the
# documents'.
_WHO_DOES = re.compile(r"\b(?:vem|vilka|vilken|vilket)\b(?:\s+[\wåäö]+)?\s+(?:ska|skall|kommer att|har|hade|kan|får|"
                       r"bör|måste|skulle)\s+([a-zåäö]{3,}a)\b(?:\s+(?P<particle>över|ut|in|upp|fram|bort|igenom))?",
                       re.IGNORECASE)


def done_by(question: str) -> re.Pattern[str] | None:
    """The sentence form naming who does what ``question`` asks who does: "utarbetas av", "ledas av",
    "utarbetades av" for "Vem ska utarbeta …?", and for a verb with a particle both passives, "föras
    över av" and "överföras av" for "Vilken myndighet ska föra över …?"; ``None`` when it asks no
    Swedish verb so."""
    found = _WHO_DOES.search(question)
    if found is None:
        return None
    stem = re.escape(found.group(1)[:-1])
    particle = found.group("particle")
    if particle is None:
        return re.compile(rf"\b{stem}[a-zåäö]{{0,4}}\s+av\b", re.IGNORECASE)
    return re.compile(rf"\b{stem}[a-zåäö]{{0,4}}\s+{particle}\s+av\b|\b{particle}{stem}[a-zåäö]{{0,4}}\s+av\b",
                      re.IGNORECASE)
