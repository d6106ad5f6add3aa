"""The library's reasons (a refused upload, an unreadable file, a refused change) in the console's
language. The library words them in English for every caller; the console shows the common ones
in Swedish by pattern, and any other one as the library wrote it."""

from __future__ import annotations

import re

from api.admin.i18n import Lang

# (the English reason as a pattern, its Swedish wording with the pattern's groups)
_SWEDISH: list[tuple[re.Pattern[str], str]] = [(re.compile(pattern), swedish) for pattern, swedish in [
    (r"unsupported file type (\S+); supported: (.+)$", r"filtypen \1 stöds inte; de som stöds: \2"),
    (r"unsupported file type (\S+)$", r"filtypen \1 stöds inte"),
    (r"the file is larger than (.+)$", r"filen är större än \1"),
    (r"the file is empty$", "filen är tom"),
    (r"the document contains no text$", "dokumentet innehåller ingen text"),
    (r"the file name is empty$", "filnamnet är tomt"),
    (r"the file is not a valid PDF document$", "filen är inte ett giltigt PDF-dokument"),
    (r"the file is not a valid DOCX document$", "filen är inte ett giltigt DOCX-dokument"),
    (r"the file is not readable HTML$", "filen är inte läsbar HTML"),
    (r"the PDF is encrypted$", "PDF-filen är krypterad"),
    (r"the PDF has no text layer \(it may be a scanned image\)$",
     "PDF-filen saknar textlager (den kan vara en inskannad bild)"),
    (r"the PDF is incomplete: its end is missing \(was the upload cut off\?\)$",
     "PDF-filen är ofullständig: slutet saknas (avbröts uppladdningen?)"),
    (r"the DOCX file is damaged or incomplete$", "DOCX-filen är skadad eller ofullständig"),
    (r"the DOCX has encrypted parts, which cannot be read$", "DOCX-filen har krypterade delar som inte kan läsas"),
    (r"the file is a ZIP archive but not a Word \(DOCX\) document$",
     "filen är ett ZIP-arkiv men inte ett Word-dokument (DOCX)"),
    (r"the file is a password-protected Office document or an old \.doc file, not a DOCX document$",
     "filen är ett lösenordsskyddat Office-dokument eller en gammal .doc-fil, inte ett DOCX-dokument"),
    (r"the file's content is not text in UTF-8 or Windows-1252$", "filens innehåll är inte text i UTF-8 eller "
     "Windows-1252"),
    (r"the file took longer than (\S+) s to parse$", r"det tog längre än \1 s att läsa filen"),
    (r"the file needs more memory than allowed to parse$", "filen kräver mer minne än tillåtet för att läsas"),
    (r"the file could not be parsed$", "filen kunde inte läsas"),
    (r"the PDF has (\d+) pages; at most (\d+) are allowed$", r"PDF-filen har \1 sidor; högst \2 tillåts"),
    (r"OCR is not available: (.+)$", r"textigenkänning (OCR) är inte tillgänglig: \1"),
    (r"OCR could not read a scanned page of the PDF$", "OCR kunde inte läsa en inskannad sida i PDF-filen"),
    (r"no document with id '(.+)'$", r"inget dokument har id '\1'"),
    (r"no source named '(.+)'$", r"ingen källa heter '\1'"),
    (r"another sync is running; try again when it has finished$",
     "en annan synkronisering pågår; försök igen när den är klar"),
    (r"another job is running \((.+), started by (.+)\); try again when it has finished$",
     r"ett annat jobb pågår (\1, startat av \2); försök igen när det är klart"),
    (r"the folder '(.+)' does not exist or is not a folder$", r"mappen '\1' finns inte eller är inte en mapp"),
    (r"a source is a folder path or an http\(s\):// URL, got '(.*)'$",
     r"en källa är en mappsökväg eller en http(s)://-adress, inte '\1'"),
    (r"a key needs a name of 1 to 100 characters$", "en nyckel behöver ett namn på 1 till 100 tecken"),
    (r"no evaluation set is configured \(ASSISTANT_EVAL_QUESTIONS\)$",
     "ingen utvärderingsuppsättning är inställd (ASSISTANT_EVAL_QUESTIONS)"),
    (r"ASSISTANT_EVAL_QUESTIONS is not set$", "ASSISTANT_EVAL_QUESTIONS är inte satt"),
    (r"the evaluation set cannot be read: (.+)$", r"utvärderingsuppsättningen kan inte läsas: \1"),
]]


def reason_in(lang: Lang, text: str) -> str:
    """``text`` (a library's reason) in ``lang``: Swedish when a known pattern matches it whole,
    else as written. Cost: up to one regex match per known reason."""
    if lang != "sv":
        return text
    for pattern, swedish in _SWEDISH:
        match = pattern.match(text)
        if match:
            return match.expand(swedish)
    return text
