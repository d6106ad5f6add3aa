"""Chunk step: a ``Document`` → retrievable ``Chunk``s that never cross a section.

Three kinds of chunk:
- ``header``: the document's metadata stated with Swedish and English labels, so questions about
  dates, owners and deciding bodies find it in either language;
- ``text``: consecutive paragraphs and lists of one section; a run longer than the embedder's
  budget is sub-split with LangChain's ``RecursiveCharacterTextSplitter`` measured in the
  embedder's own tokens. ``Document.text[start:end] == chunk.text`` always holds;
- ``table_row``: one action-plan row as a record with its column names inline.

``embedding_text`` (what the embedder reads) repeats the title and heading path so that each sub-split
still carries its context; ``lexical_text`` (what BM25 reads) adds English glosses of the Swedish terms
the chunk uses, so that English questions match Swedish passages word for word. A multilingual
embedder needs no glosses, and reads worse with them.

Each chunk also lists its *units*: the sentences and list items of prose, the row of a table; the
answer step scores and quotes them one by one (``unit_spans``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterator
from functools import lru_cache

from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.glossary import Glossary
from assistant.models import Block, BlockKind, Chunk, Document

# Metadata fields with their Swedish and English labels, in the order a reader expects them.
HEADER_LABELS: list[tuple[str, str]] = [
    ("title", "Titel / Title"),
    ("municipality", "Kommun / Municipality"),
    ("document_type", "Dokumenttyp / Document type"),
    ("adopted_by", "Beslutad av / Adopted by"),
    ("adopted_date", "Beslutsdatum / Adopted on"),
    ("published_date", "Publiceringsdatum / Published on"),
    ("valid_from", "Gäller från / Valid from"),
    ("valid_until", "Gäller t o m / Valid until"),
    ("revision_date", "Revideras / To be revised by"),
    ("registration_number", "Diarienummer / Registration number (Dnr)"),
    ("document_owner", "Dokumentansvarig / Document owner"),
    ("issued_by", "Utfärdat av / Issued by"),
    ("applies_to", "Gäller för / Applies to"),
    ("version", "Version / Version"),
]
_SEPARATORS = ["\n\n", "\n", ". ", "; ", ", ", " ", ""]
# A sentence ends at . ! or ? before a capital or digit (or an opening quote); a line break ends a
# unit, unless it breaks a sentence, as hard-wrapped text and PDF lines have it: after a word before a
# small letter ("riktas mot maliska\nsäkerhetsstyrkor"), or after a linking word (below) or a comma
# before anything but a list item or a heading ("Skogsstyrelsen,\nTrafikverket samt …"). A blank
# line always ends one.
# An abbreviation's period ends nothing: "(f. 1946)", "prop. 2016/17:104", "(dir. 2023:109)", "t.ex. Rättvik",
# "8 kap. 3 §", nor a title's: "Ledamöterna utses av Kungl. Maj:t".
_ABBREVIATED = "".join(rf"(?<!\b{re.escape(a)})" for a in (
    "f.", "d.", "nr.", "ca.", "kl.", "s.", "p.", "kap.", "prop.", "bet.", "rskr.", "jfr.", "t.ex.", "bl.a.", "resp.",
    # A committee's terms of reference by number: "skärpta sanktioner (dir. 2023:109)".
    "dir.",
    "dvs.", "fr.o.m.", "t.o.m.", "Dnr.", "dnr.", "inkl.", "exkl.",
    # Words that always stand before another: "ingår i s.k. REFIT-åtgärder", "f.d. Jugoslavien".
    "s.k.", "p.g.a.", "d.v.s.", "f.d.", "i.o.m.", "ang.", "enl.", "e.g.", "i.e.",
    # An appropriation's item: "anslag 1:5 … ap. 3 enligt beslut i regleringsbrev".
    "ap.",
    # Titles before a name ("Kungl. Maj:ts Orden", "H.E. Mr Kairat Abdrakhmanov", "Dr. Lind").
    "Kungl.", "H.E.", "Mr.", "Mrs.", "Ms.", "Dr.")) + (
    # Two initials ("bidrag till V.S. Visit Sweden AB", "J.K. Rowling") begin a name; they end nothing.
    r"(?<!\b[A-ZÅÄÖ]\.[A-ZÅÄÖ]\.)")
# No sentence ends in a word that needs one after it ("… i uppdrag att bistå Konkurrensverket med\n
# underlag …", "… en skriftväxling mellan\nSverige och Schweiz"): a line that breaks after one goes on.
_LINKING = "".join(rf"(?<!\b{word})" for word in (
    "och", "eller", "samt", "men", "att", "som", "av", "i", "på", "till", "för", "från", "med", "mot", "om",
    "under", "över", "vid", "hos", "inom", "mellan", "genom", "efter", "enligt", "utan", "den", "det", "de",
    "en", "ett", "dess", "sin", "sitt", "sina", "ska", "skall", "har", "hade", "kan", "får", "är", "blir",
    "bör", "måste", "and", "or", "the", "a", "an", "of", "to", "in", "for", "with", "by", "on", "at", "from",
    "between", "is", "are", "will", "shall"))
# A genitive written with a colon ends a sentence as any word does: "… eller NGO:s. I planen …" ("s." is
# otherwise an abbreviation, "s. 12").
_UNIT_END = re.compile(rf"(?<=[.!?]){_ABBREVIATED}\s+(?=[\"”“'«(\[]?[A-ZÅÄÖ0-9-])|"
                       rf"(?<=:s\.)\s+(?=[\"”“'«(\[]?[A-ZÅÄÖ0-9-])|\n{{2,}}|(?<![\w,])\n|"
                       r"(?<=[\w,])\n(?=[*•#-]|\d+[.)]\s)|(?<=\w)" + _LINKING + r"\n(?![a-zåäö])")
# A middle initial between a first name and a surname ("professor Torben M. Andersen") ends nothing
# either; after a word that names a part ("bilaga B. Den …", "Part C. The …") it may end a sentence,
# and so may a letter after a sentence's first word, which is capitalised whatever it is ("Se B.").
# The word after must read as a surname (``_SURNAME``: not "Han", "Den", "The" …).
_MIDDLE_INITIAL = re.compile(r"(?<![.!?] )\b(?!(?:Bilaga|Kategori|Avsnitt|Avdelning|Del|Fas|Steg|Typ|Zon|Nivå|Klass|"
                             r"Plan|Annex|Appendix|Part|Section|Category|Phase|Step|Type|Zone|Level|Class)\b)"
                             r"[A-ZÅÄÖ][a-zåäöéü]+ [A-ZÅÄÖ]\.$")
_SURNAME = re.compile(r"(?!(?:Han|Hon|Den|Det|De|Vi|Man|Detta|Dessa|Där|Då|Nu|Enligt|The|This|These|It|He|She|They|We|"
                      r"There|In|On|According)\b)[A-ZÅÄÖ][a-zåäöéü]+\b")
_MAX_GLOSSES = 12
# Units shorter than this ("1.", "Delmål:") are never quoted on their own: they get no vector.
MIN_UNIT_CHARS = 12


class Chunker:
    """Splits documents into chunks that fit ``max_tokens`` of the embedder.

    ``count_tokens`` is the embedder's tokenizer (cached here per distinct string).
    Cost: linear in the document, plus one tokenization per candidate piece of long sections.
    """

    def __init__(
        self,
        *,
        count_tokens: Callable[[str], int],
        max_tokens: int,
        overlap_tokens: int,
        glossary: Glossary | None = None,
    ) -> None:
        self._count_tokens = lru_cache(maxsize=65_536)(count_tokens)
        self._max_tokens = max_tokens
        self._glossary = glossary
        self._splitter = RecursiveCharacterTextSplitter(
            chunk_size=max_tokens,
            chunk_overlap=min(overlap_tokens, max_tokens // 2),
            length_function=self._count_tokens,
            separators=_SEPARATORS,
            keep_separator="end",
        )

    def chunk(self, document: Document) -> list[Chunk]:
        """All chunks of ``document``: its header chunk first, then content in reading order."""
        chunks = [self._header_chunk(document)]
        for kind, path, start, end, text in self._pieces(document):
            chunks.append(self._make_chunk(document, kind=kind, path=path, start=start, end=end, text=text))
        return _unique_ids(chunks)

    def _pieces(self, document: Document) -> Iterator[tuple[str, list[str], int, int, str]]:
        for run in _runs(document.blocks):
            path = list(run[0].section_path)
            if run[0].kind == BlockKind.TABLE_ROW:
                block = run[0]
                yield "table_row", path, block.start, block.end, block.record or ""
                continue
            start, end = run[0].start, run[-1].end
            for piece_start, piece in self._split(document.text[start:end]):
                yield "text", path, start + piece_start, start + piece_start + len(piece), piece

    def _split(self, text: str) -> list[tuple[int, str]]:
        if self._count_tokens(text) <= self._max_tokens:
            return [(0, text)]
        # Located here, not with add_start_index: LangChain subtracts the overlap (in tokens, with our
        # length function) from a character offset and can then find the wrong occurrence.
        located, cursor = [], 0
        for piece in self._splitter.split_text(text):
            start = text.find(piece, cursor)
            if start < 0:  # the splitter only trims whitespace, so this cannot happen; be safe
                continue
            located.append((start, piece))
            cursor = start + 1
        return located

    def _header_chunk(self, document: Document) -> Chunk:
        text = header_text(document)
        return self._make_chunk(document, kind="header", path=[document.title], start=document.header_start,
                                end=document.header_end, text=text)

    def _make_chunk(self, document: Document, *, kind: str, path: list[str], start: int, end: int,
                    text: str) -> Chunk:
        context = f"{document.title}" + (f" ({document.municipality} kommun)" if document.municipality else "")
        lines = [context, " > ".join(path), text]
        lexical = lines[:-1]
        if self._glossary is not None:
            glosses = self._glossary.english_for_swedish(f"{' '.join(path)}\n{text}")[:_MAX_GLOSSES]
            if glosses:
                lexical.append("English: " + "; ".join(glosses))
        digest = hashlib.sha1(f"{document.id}\x1f{kind}\x1f{' > '.join(path)}\x1f{text}".encode()).hexdigest()
        return Chunk(
            chunk_id=f"{document.id}-{digest[:12]}",
            document_id=document.id,
            kind=kind,  # type: ignore[arg-type]
            section_path=path,
            text=text,
            start=start,
            end=end,
            embedding_text="\n".join(lines),
            lexical_text="\n".join([*lexical, text]),
            units=_units(kind, text, start, end),
        )


def unit_spans(text: str, *, base: int = 0) -> list[tuple[int, int]]:
    """The sentences and list items of ``text`` as spans (offset by ``base``), blanks trimmed.
    Cost: one regular-expression pass."""
    spans = []
    start = 0
    for match in _UNIT_END.finditer(text):
        if _MIDDLE_INITIAL.search(text, max(0, match.start() - 40), match.start()) and _SURNAME.match(
                text, match.end()):
            continue
        spans.extend(_trimmed(text, base, start, match.start()))
        start = match.end()
    spans.extend(_trimmed(text, base, start, len(text)))
    return spans


def _trimmed(text: str, base: int, start: int, end: int) -> list[tuple[int, int]]:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return []
    offset = start + len(piece) - len(piece.lstrip())
    return [(base + offset, base + offset + len(stripped))]


def _units(kind: str, text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A prose chunk's sentences and items; a table row is one unit; a header has none (its fields
    are quoted by their own spans)."""
    if kind == "text":
        return unit_spans(text, base=start)
    return [(start, end)] if kind == "table_row" else []


def header_text(document: Document) -> str:
    """The metadata a document states, one ``Svensk etikett / English label: value`` per line."""
    lines = []
    for name, label in HEADER_LABELS:
        value = getattr(document, name)
        if value is None:
            continue
        if isinstance(value, dt.date):
            value = value.isoformat()
        lines.append(f"{label}: {value}")
    return "\n".join(lines)


def _runs(blocks: list[Block]) -> Iterator[list[Block]]:
    """Table rows one by one; consecutive prose blocks of the same section together."""
    run: list[Block] = []
    for block in blocks:
        if block.kind == BlockKind.TABLE_ROW:
            if run:
                yield run
                run = []
            yield [block]
        elif run and run[-1].section_path != block.section_path:
            yield run
            run = [block]
        else:
            run.append(block)
    if run:
        yield run


def _unique_ids(chunks: list[Chunk]) -> list[Chunk]:
    """Identical text twice in one section is rare but legal: number the repeats."""
    seen: dict[str, int] = {}
    unique = []
    for chunk in chunks:
        count = seen.get(chunk.chunk_id, 0)
        seen[chunk.chunk_id] = count + 1
        unique.append(chunk if count == 0 else chunk.model_copy(update={"chunk_id": f"{chunk.chunk_id}-{count}"}))
    return unique
