"""A Swedish–English glossary of municipal governance and integration terms, and matchers over it.

Staff ask in English about Swedish documents, and new officials ask what Swedish terms mean. The
glossary serves both: ``swedish_for_english`` turns the English words of a question into the Swedish
forms to add to a lexical query (housing → bostad, bostäder, boende, …), ``english_for_swedish``
glosses Swedish text in English (used to enrich what is embedded), and ``search``/``lookup`` answer
"what is kommunstyrelsen?".

Matching works on words, not characters: text is split into lowercase word tokens, and a phrase of
the glossary matches a run of tokens separated only by spaces, hyphens, slashes, dots, colons or
apostrophes (so "Kultur- och fritidschef", "FN:s" and "t.o.m." match "kultur- och fritidschef",
"fn:s" and "t o m"). At each token the longest phrase wins and its tokens are consumed, so no word is
used twice. All dictionaries are built once per ``Glossary``; a call costs one regex pass over the
text plus a few dictionary look-ups per word.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

_DATA_FILE = "glossary.json"
_FIELDS = ("term", "english", "explanation", "explanation_sv", "forms", "english_terms")

# A word: letters and digits, with inner apostrophes kept ("what's", "officer's").
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# What may stand between the words of one multi-word phrase; anything else (a comma, a line of
# punctuation, a long gap) ends the phrase.
_JOINER = re.compile(r"[\s\-–—/.:'’]{1,4}")

# Compound words: Swedish writes "bostadsförsörjningsprogrammet" as one word. A word this long may
# be split into a known first and/or last part; shorter parts than this match too much by accident.
_COMPOUND_MIN_WORD = 9
_COMPOUND_MIN_PART = 5
_COMPOUND_MIN_REST = 3
_COMPOUND_MAX_DEPTH = 3
_VOWELS = frozenset("aeiouyåäöé")


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    """One glossary term.

    ``forms`` are the lowercase Swedish forms matched in text (inflections, compound stems such as
    "bostads", close variants); ``english_terms`` are lowercase English words and phrases a user may
    type for the term, synonyms and inflections included, broadest first after ``english``.
    ``explanation`` is in English, ``explanation_sv`` the same in Swedish.
    """

    term: str
    english: str
    explanation: str
    explanation_sv: str
    forms: tuple[str, ...]
    english_terms: tuple[str, ...]


class Glossary:
    """An immutable glossary with matchers precompiled for its entries.

    Construction indexes every form and English term (~50 ms for ~650 entries, mostly tokenizing
    ~10,000 phrases); ``load_default`` caches the packaged glossary so that is paid once per process.
    """

    def __init__(self, entries: Sequence[GlossaryEntry]) -> None:
        self.entries: tuple[GlossaryEntry, ...] = tuple(entries)
        _check_unique_terms(self.entries)
        self._swedish = _PhraseIndex({i: e.forms for i, e in enumerate(self.entries)})
        self._english = _PhraseIndex({i: (e.english, *e.english_terms) for i, e in enumerate(self.entries)})
        # Single-word forms, for splitting compounds into known parts.
        self._single_forms = {key: hits for key, hits in self._swedish.by_key.items() if " " not in key}
        self._lookup_keys = _lookup_keys(self.entries)
        self._folded_lookup_keys = tuple(_folded_keys(keys) for keys in self._lookup_keys)
        self._search_rows = [_SearchRow.of(entry) for entry in self.entries]
        # Answers gloss the same passages question after question: remember the last few thousand.
        self._glosses = functools.lru_cache(maxsize=8192)(self._english_renderings)

    @classmethod
    def load_default(cls) -> Glossary:
        """The glossary packaged as ``assistant/data/glossary.json``, validated, cached per class.

        Raises ``ValueError`` naming the first bad entry if the file is malformed.
        """
        return _load_default(cls)

    @classmethod
    def with_service_topics(cls, base: Glossary) -> Glossary:
        """``base`` and the municipal service and workplace topics of
        ``assistant/data/service_topics.json`` (parking, snow clearing, overtime, procurement …):
        what staff ask about that policy documents seldom cover. Used to tell that an English
        question names something no document speaks of, not to expand queries (with them, answers
        on the held-out sets lost a question each). Cost: one read and build, cached per base."""
        return _with_service_topics(base)

    @classmethod
    def from_records(cls, records: object) -> Glossary:
        """A glossary from parsed JSON (a list of entry objects); ``ValueError`` names a bad entry."""
        if not isinstance(records, list):
            raise ValueError("the glossary must be a JSON list of entry objects")
        return cls([_entry_from_record(record, index) for index, record in enumerate(records)])

    def __len__(self) -> int:
        return len(self.entries)

    def search(self, query: str, *, limit: int = 50) -> list[GlossaryEntry]:
        """Entries matching ``query``, best first, at most ``limit`` of them.

        Case-insensitive. Ranks exact matches of the term, a form or an English term first, then
        prefix matches, then substrings of the term, forms and English terms, then substrings of the
        explanation; ties keep glossary order. A query that finds nothing is retried without
        diacritics ("nyanland" finds nyanländ). An empty query lists the entries in glossary order.
        Cost: a few substring tests per entry, 1–3 ms for ~650 entries.
        """
        if limit <= 0:
            return []
        raw = " ".join(query.casefold().split())
        if not raw:
            return list(self.entries[:limit])
        key = _phrase_key(query)
        ranked = self._rank(raw, key, folded=False) or self._rank(_fold(raw), _fold(key), folded=True)
        return [self.entries[index] for _, index in sorted(ranked)[:limit]]

    def lookup(self, term: str) -> GlossaryEntry | None:
        """The entry for a Swedish term or form, or an English term, any case; ``None`` if unknown.

        A Swedish headword wins over a form, a form over an English term ("kommunstyrelse" and
        "Kommunstyrelsen" both give kommunstyrelsen). Falls back to matching without diacritics.
        """
        key = _phrase_key(term)
        if not key:
            return None
        for keys, wanted in ((self._lookup_keys, key), (self._folded_lookup_keys, _fold(key))):
            for by_priority in keys:
                index = by_priority.get(wanted)
                if index is not None:
                    return self.entries[index]
        return None

    def swedish_for_english(self, text: str) -> list[str]:
        """The Swedish forms to add to a query for the English words and phrases in ``text``.

        Words match on word boundaries, case-insensitively; at each word the longest phrase wins and
        no word is used twice ("main responsibility" gives huvudansvar, not also ansvar). Every entry
        listing a matched phrase contributes all its forms, in order of appearance, de-duplicated.
        Cost: one tokenizing pass plus a few dictionary look-ups per word (~0.4 ms per 1,000 chars).
        """
        forms: dict[str, None] = {}
        for _, _, indexes in self._english.scan(text):
            for index in indexes:
                forms.update(dict.fromkeys(self.entries[index].forms))
        return list(forms)

    def named_in_english(self, text: str, *, plainly: bool = False) -> list[GlossaryEntry]:
        """The entries whose English name or terms ``text`` uses (longest phrase first, as
        ``swedish_for_english`` matches them), each once, in order of appearance. ``plainly``:
        only those named by their English name or a term of two or more words, not by a one-word
        alternative that often means something else ("seat" listed for a board member, "a
        company's seat" in the text)."""
        tokens = _tokenize(text)
        indexes: dict[int, None] = {}
        for position, size, found in self._english.scan_tokens(text, tokens):
            said = " ".join(t[0] for t in tokens[position:position + size])
            indexes.update(dict.fromkeys(i for i in found if not plainly or size > 1
                                         or said == " ".join(t[0] for t in _tokenize(self.entries[i].english))))
        return [self.entries[index] for index in indexes]

    def english_for_swedish(self, text: str, *, extra_terms: int = 2) -> list[str]:
        """English renderings of the Swedish terms in ``text``: each entry's ``english`` plus up to
        ``extra_terms`` of its English terms, in order of appearance, de-duplicated.

        Besides whole forms, a word of at least 9 letters is split into a known first part and a
        known last part of at least 5 letters each ("bostadsförsörjningsprogrammet" also gives
        bostadsförsörjning and, within that, bostad → housing; "boendemiljö" gives boende). A word
        that is itself a known form is split only where the rest begins with (or the first part is)
        another known form, so "kommunikation" is not read as kommun + "ikation".
        Cost: one tokenizing pass, plus ~2 look-ups per letter of each long word (~0.4 ms per
        1,000 chars); a text glossed recently is remembered (LRU of 8,192 texts).
        """
        return list(self._glosses(text, extra_terms))

    def _english_renderings(self, text: str, extra_terms: int) -> tuple[str, ...]:
        found: dict[int, None] = {}
        for indexes in self._swedish_hits(text):
            found.update(dict.fromkeys(indexes))
        renderings: dict[str, str] = {}
        for index in found:
            for rendering in _renderings(self.entries[index], extra_terms):
                renderings.setdefault(rendering.casefold(), rendering)
        return tuple(renderings.values())

    # --- internals ---------------------------------------------------------------------------------

    def _swedish_hits(self, text: str) -> Iterator[tuple[int, ...]]:
        """Entry indexes for whole forms and compound parts, in text order.

        A word matched as a form on its own is split only with the stricter check; a word inside a
        multi-word phrase is not split (the phrase says what it means); any other long word is split
        freely.
        """
        tokens = _tokenize(text)
        phrases = {start: (size, indexes) for start, size, indexes in self._swedish.scan_tokens(text, tokens)}
        phrase_end = 0
        for position, (word, _, _) in enumerate(tokens):
            size, own = phrases.get(position, (0, ()))
            if own:
                yield own
                if size > 1:
                    phrase_end = position + size
            if position < phrase_end or len(word) < _COMPOUND_MIN_WORD:
                continue
            parts = self._compound_parts(word, own=own)
            if parts:
                yield parts

    def _compound_parts(self, word: str, *, own: tuple[int, ...]) -> tuple[int, ...]:
        """Entries of the known first-part chain and last part of a long word (see the docstring
        of ``english_for_swedish``)."""
        found: list[int] = []
        head, head_own, checked = word, own, bool(own)
        for _ in range(_COMPOUND_MAX_DEPTH):
            part = self._first_part(head, exclude=head_own, checked=checked)
            if part is None:
                break
            found.extend(self._single_forms[part])
            # The part is a known form itself, so its own split must be checked like one.
            head, head_own, checked = part, self._single_forms[part], True
            if len(head) < _COMPOUND_MIN_WORD:
                break
        last = self._last_part(word, exclude=own, checked=bool(own))
        if last is not None:
            found.extend(self._single_forms[last])
        return tuple(dict.fromkeys(found))

    def _first_part(self, word: str, *, exclude: tuple[int, ...], checked: bool) -> str | None:
        for cut in range(len(word) - _COMPOUND_MIN_REST, _COMPOUND_MIN_PART - 1, -1):
            part, rest = word[:cut], word[cut:]
            hits = self._single_forms.get(part)
            if hits and not set(hits) <= set(exclude) and self._plausible_head(part, rest, checked=checked):
                return part
        return None

    def _plausible_head(self, part: str, rest: str, *, checked: bool) -> bool:
        """Whether ``part`` + ``rest`` reads as a compound rather than a derived word.

        A rest starting with a vowel right after a stem without linking -s is usually a suffix
        ("respekt|ive", "effekt|ivitet", "kommun|ikation"), so it must then begin with a known form,
        as it always must when the whole word is itself a known form.
        """
        if checked or (not part.endswith("s") and rest[0] in _VOWELS):
            return self._starts_with_form(rest)
        return True

    def _last_part(self, word: str, *, exclude: tuple[int, ...], checked: bool) -> str | None:
        for cut in range(_COMPOUND_MIN_REST, len(word) - _COMPOUND_MIN_PART + 1):
            part = word[cut:]
            hits = self._single_forms.get(part)
            if hits and not set(hits) <= set(exclude) and (not checked or word[:cut] in self._single_forms):
                return part
        return None

    def _starts_with_form(self, rest: str) -> bool:
        return any(rest[:end] in self._single_forms for end in range(_COMPOUND_MIN_REST, len(rest) + 1))

    def _rank(self, raw: str, key: str, *, folded: bool) -> list[tuple[int, int]]:
        ranked = []
        for index, row in enumerate(self._search_rows):
            rank = row.rank(raw, key, folded=folded)
            if rank is not None:
                ranked.append((rank, index))
        return ranked


class _PhraseIndex:
    """Phrases (as space-joined lowercase tokens) → entry indexes, with leftmost-longest scanning."""

    def __init__(self, phrases_by_entry: Mapping[int, Sequence[str]]) -> None:
        by_key: dict[str, dict[int, None]] = {}
        for index, phrases in phrases_by_entry.items():
            for phrase in phrases:
                key = _phrase_key(phrase)
                if key:
                    by_key.setdefault(key, {})[index] = None
        self.by_key: dict[str, tuple[int, ...]] = {key: tuple(hits) for key, hits in by_key.items()}
        # For each first word, the most words a phrase starting with it has: bounds the look-ups.
        self._longest: dict[str, int] = {}
        for key in self.by_key:
            words = key.split(" ")
            self._longest[words[0]] = max(self._longest.get(words[0], 0), len(words))

    def scan(self, text: str) -> Iterator[tuple[int, int, tuple[int, ...]]]:
        return self.scan_tokens(text, _tokenize(text))

    def scan_tokens(self, text: str,
                    tokens: list[tuple[str, int, int]]) -> Iterator[tuple[int, int, tuple[int, ...]]]:
        """(first token's position, number of tokens, entry indexes) per phrase, leftmost-longest."""
        reach = _joined_reach(text, tokens)
        position = 0
        while position < len(tokens):
            size = self._longest_match(tokens, position, min(self._longest.get(tokens[position][0], 0),
                                                               reach[position]))
            if size:
                yield position, size, self.by_key[" ".join(t[0] for t in tokens[position:position + size])]
                position += size
            else:
                position += 1

    def _longest_match(self, tokens: list[tuple[str, int, int]], position: int, most: int) -> int:
        for size in range(most, 0, -1):
            if " ".join(t[0] for t in tokens[position:position + size]) in self.by_key:
                return size
        return 0


@dataclass(frozen=True, slots=True)
class _SearchRow:
    """One entry's searchable strings, as typed and without diacritics. Names are newline-framed so
    one substring test answers "is the query exactly / a prefix of / inside one of these names"."""

    names: tuple[str, str, str]
    explanation: str
    folded_names: tuple[str, str, str]
    folded_explanation: str

    @classmethod
    def of(cls, entry: GlossaryEntry) -> _SearchRow:
        def framed(phrases: Sequence[str]) -> str:
            return "\n" + "\n".join(_phrase_key(phrase) for phrase in phrases) + "\n"

        names = (framed([entry.term]), framed(entry.forms), framed([entry.english, *entry.english_terms]))
        explanation = entry.explanation.casefold()
        return cls(names, explanation, (_fold(names[0]), _fold(names[1]), _fold(names[2])), _fold(explanation))

    def rank(self, raw: str, key: str, *, folded: bool) -> int | None:
        """0–2 exact (term, form, English), 3–5 prefix, 6 inside a name, 7 inside the explanation."""
        names = self.folded_names if folded else self.names
        if key:
            for tier, pattern in enumerate((f"\n{key}\n", f"\n{key}")):
                for offset, blob in enumerate(names):
                    if pattern in blob:
                        return tier * len(names) + offset
            if any(key in blob for blob in names):
                return 6
        if raw in (self.folded_explanation if folded else self.explanation):
            return 7
        return None


# --- loading and validation ------------------------------------------------------------------------


@functools.cache
def _load_default(cls: type[Glossary]) -> Glossary:
    return cls.from_records(json.loads(_data_text(_DATA_FILE)))


def _data_text(name: str) -> str:
    """The text of a file in ``assistant/data``, read through importlib.resources."""
    try:
        return (resources.files("assistant") / "data" / name).read_text(encoding="utf-8")
    except NotADirectoryError:
        # An editable install of a namespace package exposes a path entry importlib.resources
        # cannot list; the data folder beside this module is the same folder.
        return (Path(__file__).parent / "data" / name).read_text(encoding="utf-8")


def _entry_from_record(record: object, index: int) -> GlossaryEntry:
    label = f"glossary entry {index}"
    if not isinstance(record, dict):
        raise ValueError(f"{label}: expected an object with {', '.join(_FIELDS)}")
    if isinstance(record.get("term"), str):
        label = f"{label} ({record['term']!r})"
    missing = [name for name in _FIELDS if name not in record]
    extra = sorted(set(record) - set(_FIELDS))
    if missing or extra:
        raise ValueError(f"{label}: missing fields {missing}, unknown fields {extra}")
    for name in ("term", "english", "explanation", "explanation_sv"):
        if not isinstance(record[name], str) or not record[name].strip():
            raise ValueError(f"{label}: {name!r} must be a non-empty string")
    forms = _lowercase_phrases(record["forms"], label=label, name="forms")
    english_terms = _lowercase_phrases(record["english_terms"], label=label, name="english_terms")
    if not forms:
        raise ValueError(f"{label}: 'forms' must not be empty")
    return GlossaryEntry(record["term"].strip(), record["english"].strip(), record["explanation"].strip(),
                         record["explanation_sv"].strip(), forms, english_terms)


def _lowercase_phrases(value: object, *, label: str, name: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ValueError(f"{label}: {name!r} must be a list of strings")
    for phrase in value:
        if not isinstance(phrase, str) or phrase != phrase.strip() or not _phrase_key(phrase):
            raise ValueError(f"{label}: {name!r} has an empty or padded item {phrase!r}")
        if phrase != phrase.lower():
            raise ValueError(f"{label}: {name!r} item {phrase!r} must be lowercase")
    return tuple(value)


def _check_unique_terms(entries: Sequence[GlossaryEntry]) -> None:
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        key = _phrase_key(entry.term)
        if key in seen:
            raise ValueError(f"glossary entry {index} ({entry.term!r}) repeats the term of entry {seen[key]}")
        seen[key] = index


def _lookup_keys(entries: Sequence[GlossaryEntry]) -> tuple[dict[str, int], ...]:
    """Key → first entry index, one dictionary per priority: term, forms, English terms."""
    terms: dict[str, int] = {}
    forms: dict[str, int] = {}
    english: dict[str, int] = {}
    for index, entry in enumerate(entries):
        terms.setdefault(_phrase_key(entry.term), index)
        for form in entry.forms:
            forms.setdefault(_phrase_key(form), index)
        for phrase in (entry.english, *entry.english_terms):
            english.setdefault(_phrase_key(phrase), index)
    return terms, forms, english


# --- text helpers ----------------------------------------------------------------------------------


def _folded_keys(keys: Mapping[str, int]) -> dict[str, int]:
    folded: dict[str, int] = {}
    for key, index in keys.items():
        folded.setdefault(_fold(key), index)
    return folded


def _tokenize(text: str) -> list[tuple[str, int, int]]:
    """(lowercase word, start, end) for each word of ``text``."""
    return [(m.group().lower().replace("’", "'"), m.start(), m.end()) for m in _TOKEN.finditer(text)]


# Bounded: the glossary's own ~10,000 phrases are keyed four times while building (validation, two
# indexes, search rows), and user queries pass through here too.
@functools.lru_cache(maxsize=32_768)
def _phrase_key(phrase: str) -> str:
    """The form a phrase is matched in: its lowercase words joined by single spaces."""
    return " ".join(token for token, _, _ in _tokenize(phrase))


def _joined_reach(text: str, tokens: list[tuple[str, int, int]]) -> list[int]:
    """For each token, how many tokens from it on are joined into one possible phrase."""
    reach = [1] * len(tokens)
    for position in range(len(tokens) - 2, -1, -1):
        gap = text[tokens[position][2]:tokens[position + 1][1]]
        if _JOINER.fullmatch(gap):
            reach[position] = reach[position + 1] + 1
    return reach


def _renderings(entry: GlossaryEntry, extra_terms: int) -> list[str]:
    extra = [term for term in entry.english_terms if term != entry.english.lower()][:max(extra_terms, 0)]
    return [entry.english, *extra]


def _fold(text: str) -> str:
    """``text`` without diacritics (å → a, ö → o), for forgiving matches."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@functools.cache
def _with_service_topics(base: Glossary) -> Glossary:
    topics = Glossary.from_records(json.loads(_data_text("service_topics.json")))
    return Glossary([*base.entries, *topics.entries])
