"""A page's description of itself: the byline or dateline under its title ("Debattartikel av
finansminister … Svenska Dagbladet, 19 september 2024.", "Statsministerns tal på Join Sweden Summit i
Stockholm, den 19 februari 2025.").

It restates the words a question uses to say which page it means ("according to the finance
minister's op-ed of September 2024 …"), so it reads close to every question about the page; but it
tells only who wrote or spoke, where and when. No document is known here: the cues are the genre
words and date forms such lines are written with, in Swedish and English.
"""

from __future__ import annotations

import functools
import re

from assistant.answer.events import MONTHS

# A note on what the page holds: "Här följer en sammanfattning av rapporten … samt en länk till
# rapporten i sin helhet." (147 report pages of the shared corpus open so).
_SUMMARY_NOTE = re.compile(r"^(?:här|nedan) följer (?:här )?en (?:kort )?sammanfattning\b|"
                           r"^(?:here|below) (?:is|follows) a (?:short |brief )?summary\b", re.IGNORECASE)
# A paragraph this long is the text itself, not a line about it.
MAX_PREAMBLE_CHARS = 400
_GENRE = re.compile(
    r"^(?:\w+s\s+)?(?:debattartikel|artikel|krönika|tal|anförande|inledningsanförande|linjetal|"
    r"pressmeddelande|intervju|op-ed|opinion piece|article|column|speech|statement|remarks|address|"
    r"interview)\b[^.\n]{0,200}?\b(?:av|på|vid|i|från|by|at|to|in|of)\b", re.IGNORECASE)
# "… Svenska Dagbladet, 19 september 2024." / "… i Stockholm, den 19 februari 2025."
# "Stockholm, fredag den 15 november 2024." ends a sentence of it.
_DATELINE = re.compile(rf",\s+(?:\w+dag(?:en)?\s+)?(?:den\s+)?\d{{1,2}}(?::[ae])?\s+(?:{MONTHS})\s+\d{{4}}"
                       r"(?:\.|\s*$)", re.IGNORECASE)


# Every unit of a passage asks about the same document: remember the answer for the last few
# documents (only a few: a document may be megabytes).
@functools.lru_cache(maxsize=32)
def preamble_span(document_text: str, title: str = "") -> tuple[int, int] | None:
    """The span of the page's byline or dateline: its first paragraph after any heading lines (a
    Markdown heading, or a line that is the document's ``title``, as a PDF, DOCX or HTML file's
    text opens), when that paragraph is short (``MAX_PREAMBLE_CHARS``) and opens with a genre word
    ("Debattartikel av", "Tal vid", "Speech by"), has a dateline ("Stockholm, den 15 november
    2024.") or says the page holds a summary ("Här följer en sammanfattning av rapporten …"); else
    ``None``.
    Cost: a scan of the first lines, once per document while it is among the last 32 asked about."""
    position = 0
    while position < len(document_text):
        end = document_text.find("\n", position)
        end = len(document_text) if end < 0 else end
        line = document_text[position:end].strip()
        if line and not line.startswith("#") and not _is_title(line, title):
            break
        position = end + 1
    else:
        return None
    stop = document_text.find("\n\n", position)
    stop = len(document_text) if stop < 0 else stop
    paragraph = document_text[position:stop].strip()
    if not paragraph or len(paragraph) > MAX_PREAMBLE_CHARS:
        return None
    if _GENRE.search(paragraph) or _DATELINE.search(paragraph) or _SUMMARY_NOTE.search(paragraph):
        return position, stop
    return None


def in_preamble(document_text: str, span: tuple[int, int], *, title: str = "") -> bool:
    """Whether the unit at ``span`` is (inside) the page's byline or dateline (``preamble_span``)."""
    found = preamble_span(document_text, title)
    return found is not None and found[0] <= span[0] and span[1] <= found[1]


def _is_title(line: str, title: str) -> bool:
    return bool(title) and " ".join(line.split()).casefold() == " ".join(title.split()).casefold()
