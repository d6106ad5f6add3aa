"""Where a body or a place is named, as patterns: ``BODY`` (an agency, a council, a post, a
profession) and ``PLACE`` (a capitalised name after a preposition of place). ``fact_forms.states``
reads them for who- and where-questions. Regex work only."""

from __future__ import annotations

import re

# "Myndigheten för ungdoms- och civilsamhällesfrågor" is another body than the question's
# "Myndigheten för stöd till trossamfund": such a name is matched with the word that tells it apart.
# "Försvarets materielverk", "Statens institutionsstyrelse": a genitive and a body's noun; and a
# name of capitalised words inside a sentence ("i samarbete med Civil Rights Defenders").
BODY = re.compile(r"\b[Mm]yndigheten (?:för|mot) [\wåäö]+-?|"
                   # "the Ministry of Finance", "the Agency for Digital Government", "the municipal council".
                   r"\b(?:Ministry|Department|Agency|Board|Authority|Office|Council|Committee|Commission|"
                   r"Inspectorate|Institute|Service|Court|Ombudsman) (?:of|for) (?:the )?[A-Z][a-z]+|"
                   r"\b(?i:municipal (?:executive )?(?:board|council|assembly|committee)|(?:county|regional) "
                   r"(?:council|administrative board)s?|city council|executive board)\b|"
                   # The English for "regeringen", "kommunerna", "myndigheterna", "polisen" (below).
                   r"\b(?:[Tt]he [Gg]overnment(?: Offices)?|[Tt]he Riksdag|[Mm]unicipalities|[Tt]he regions|"
                   r"(?:[Gg]overnment |[Pp]ublic )?[Aa]gencies|[Tt]he police)\b|"
                   # ("Statens geotekniska institut": up to two describing words before the kind.)
                   r"\b[A-ZÅÄÖ][a-zåäö]+s (?:[a-zåäö-]+a )?[a-zåäö-]*(?:verk|styrelse|myndighet|inspektion|nämnd|"
                   r"kommission|institut|råd|fond|kansli|museer|arkiv|undersökning|universitet|högskola|sjukhus)\b|"
                   # An abbreviation's genitive: "EU:s åklagarmyndighet", "FN:s livsmedelsprogram".
                   r"\b[A-ZÅÄÖ]{2,}:s (?:[a-zåäö-]+a )?[a-zåäö-]*(?:myndighet|byrå|kommission|råd|fond|domstol|"
                   r"organ|institut|program)\w*\b|"
                   # The one given a task: "Regeringen uppdrar åt Trafikanalys att …", "… ger Boverket i uppdrag".
                   r"(?:(?<=\buppdrar åt )|(?<=\buppdrog åt )|(?<=\buppdrar till ))[A-ZÅÄÖ][\wåäö-]+|"
                   r"(?:(?<=\bger )|(?<=\bgav )|(?<=\bgett ))[A-ZÅÄÖ][\wåäö-]+(?= i uppdrag\b)|"
                   # "Karolinska universitetssjukhuset", "Sahlgrenska akademin"
                   r"\b[A-ZÅÄÖ][a-zåäö]+ [a-zåäö]*(?:sjukhuset|universitetet|högskolan|akademin|institutet)\b|"
                   # "Uppsala universitet", "Umeå universitet": a university named by its town.
                   r"\b[A-ZÅÄÖ][a-zåäö]+ (?:universitet|högskola)\b|"
                   # "Högsta domstolen", "Nationella vårdkompetensrådet": a name's first word, then the body.
                   r"\b[A-ZÅÄÖ][a-zåäö]+ [a-zåäö]*(?:domstolen|rådet|verket|nämnden|styrelsen|inspektionen|"
                   r"delegationen|kommittén|myndigheten|ämbetet|kollegiet)\b|"
                   # "Delegationen för ökad tillgänglighet", "Rådet för Europeiska socialfonden".
                   r"\b(?:Delegationen|Rådet|Kommittén|Institutet|Nämnden|Centrum|Centret|Kommissionen|Stiftelsen|Verket|"
                   r"Förbundet|Sekretariatet|Styrelsen|Inspektionen) (?:för|mot) [\wåäö]+|"
                   # A committee named by its year: "2020 års grundlagskommitté", "2014 års demokratiutredning".
                   r"\b(?:19|20)\d\d års [a-zåäö-]*(?:kommitt[eé]|utredning|kommission|beredning|delegation)\w*|"
                   # A body named by its kind, lowercase: "lämnades av en enig parlamentarisk kommitté".
                   r"\b(?:en|ett|den|det|av)\s+(?:[a-zåäö-]+\s+){0,2}?(?:kommitt[eé]n?|kommission(?:en)?|"
                   r"arbetsgrupp(?:en)?|expertgrupp(?:en)?|beredning(?:en)?|delegation(?:en)?)\b|"
                   # A body's kind in a lowercase compound: "vattenmyndigheterna", "tillsynsmyndigheten".
                   r"\b[a-zåäö]{3,}myndighet(?:en|er|erna)\b|\b[a-zåäö]{3,}srådet\b|"
                   r"(?<=[a-zåäö,] )[A-ZÅÄÖ][a-zåäö]+(?: [A-ZÅÄÖ][a-zåäö]+){1,3}\b|"
                   r"\b[A-ZÅÄÖ][\wåäö-]*(?:verket|styrelsen|myndigheten|rådet|nämnden|inspektionen|kommittén|"
                   r"kansliet|departementet|förbundet|institutet|akademien|fonden|kommissionen|förvaltningen|"
                   r"utredningen|domstolen|ombudsmannen|centrum|centret|kontoret|kollegiet|kollegium|kammaren|"
                   r"delegationen|byrån|väsendet|universitetet|högskolan|sekretariatet|sjukhuset|sjukhus|"
                   r"bolaget|beredningen)s?\b|"
                   r"\b(?:Försvarsmakten|Kriminalvården|Kronofogden|Lantmäteriet|Sametinget|Riksbanken|"
                   r"Riksrevisionen|Kustbevakningen|Sida|[Kk]ommissionen|EU-kommissionen)s?\b|"
                   # The parties of the Riksdag: "en överenskommelse mellan Sverigedemokraterna, Moderaterna …".
                   r"\b(?:Socialdemokraterna|Moderaterna|Sverigedemokraterna|Centerpartiet|Vänsterpartiet|"
                   r"Kristdemokraterna|Liberalerna|Miljöpartiet|Folkpartiet)s?\b|"
                   r"\b(?:Regeringskansliet|[Rr]egeringen|[Rr]iksdagen|[Ll]änsstyrelse\w*|[Kk]ommunstyrelse\w*|"
                   r"[Kk]ommunfullmäktige|[Rr]egionfullmäktige|[Kk]ommunledning\w*|[Ff]örvaltning\w*|[Nn]ämnd\w*|"
                   r"[Kk]ommuner(?:na)?|[Rr]egioner(?:na)?|[Kk]ommunens|[Mm]yndighet\w*|[Pp]olisen|[Ff]örsäkringskassan|"
                   r"Arbetsförmedlingen|Migrationsverket|EU|FN|OECD|Nato|SKR|SKL|MSB)\b|"
                   r"\b[A-ZÅÄÖ][a-zåäö]+s? (?:kommun|region|län|stad)\b|\b[A-ZÅÄÖ]{2,}\b|"
                   # Posts and professions, not what their stems begin ("strategin", "pedagogik").
                   r"\b(?i:\w*chef\w*|\w*ansvarig\w*|\w*samordnare\w*|\w*strateg(?:en|er|erna|ens)?|rektor\w*|"
                   r"ordförande\w*|"
                   r"\w*handläggare\w*|\w*minister\w*|\w*enheten|\w*gruppen|"
                   # Professions: "who must have carried out the treatment?" – "en legitimerad tandläkare".
                   r"\w*läkare\w*|\w*skötersk\w*|\w*lärare\w*|\w*sekreterare\w*|\w*pedagog(?:en|er|erna)?|"
                   r"\w*terapeut(?:en|er|erna)?|"
                   r"\w*psykolog(?:en|er|erna)?|jurist(?:en|er|erna)?|barnmorsk\w*|kurator\w*|åklagare\w*|"
                   r"domare\w*|revisor\w*)\b")
# (A name may open with a short capitalised abbreviation: "ambassadör i DR Kongo".)
PLACE = re.compile(r"\b(?:i|in|på|vid|från|till|mellan|inom|across|at)\s+(?:the\s+)?(?:[A-ZÅÄÖ]{2,3}\s+)?"
                   r"(?:[A-ZÅÄÖ][a-zåäö]+(?:s)?\b)")
