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

The parts live beside this module: entries and their JSON records in ``glossary_records``, phrase
matching in ``glossary_phrases``, compound splitting in ``glossary_compounds`` and name search in
``glossary_search``. ``GlossaryEntry`` stays importable from here.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Sequence

from assistant.glossary_compounds import COMPOUND_MIN_WORD, CompoundSplitter
from assistant.glossary_phrases import PhraseIndex, fold, folded_keys, phrase_key, tokenize
from assistant.glossary_records import GlossaryEntry, check_unique_terms, data_text, entry_from_record
from assistant.glossary_search import SearchRow, lookup_keys

__all__ = ["Glossary", "GlossaryEntry", "names_plainly"]

_DATA_FILE = "glossary.json"
# Central government's words English questions name differently ("spring budget": vårbudget,
# "appropriation": anslag, "terms of reference": kommittédirektiv), beside the municipal ones.
_GOVERNMENT_FILE = "government.json"
# The state's agencies, courts and ministries by their official English names ("Swedish Transport
# Administration": Trafikverket), which English questions use and the documents never do.
_NAMES_FILE = "agencies.json"
# Countries by their English names and adjectives ("Russia", "Russian": Ryssland, rysk), which
# English questions use and Swedish pages never do.
_COUNTRIES_FILE = "countries.json"
# English phrases whose words are glossary terms but which say none of them: "tax ratio relative to
# GDP" names no anhörig, "in case of" no ärende, "of course" no utbildning, "as a result" no resultat.
ENGLISH_IDIOMS = ("relative to", "in case", "in case of", "just in case", "in any case", "in the case of",
                  "is the case", "was the case", "of course", "with respect to", "in respect of", "no matter",
                  "as a result", "as a result of", "in principle")


class Glossary:
    """An immutable glossary with matchers precompiled for its entries.

    Construction indexes every form and English term (~50 ms for ~650 entries, mostly tokenizing
    ~10,000 phrases); ``load_default`` caches the packaged glossary so that is paid once per process.
    """

    def __init__(self, entries: Sequence[GlossaryEntry]) -> None:
        self.entries: tuple[GlossaryEntry, ...] = tuple(entries)
        check_unique_terms(self.entries)
        self._swedish = PhraseIndex({i: e.forms for i, e in enumerate(self.entries)})
        self._english = PhraseIndex({i: (e.english, *e.english_terms) for i, e in enumerate(self.entries)},
                                    idioms=ENGLISH_IDIOMS)
        # Single-word forms of terms (not of proper names), for splitting compounds into known parts.
        self._compounds = CompoundSplitter(
            {key: kept for key, hits in self._swedish.by_key.items() if " " not in key
             and (kept := [hit for hit in hits if not self.entries[hit].proper_name])})
        self.lookup_keys = lookup_keys(self.entries)
        self._folded_lookup_keys = tuple(folded_keys(keys) for keys in self.lookup_keys)
        self._search_rows = [SearchRow.of(entry) for entry in self.entries]
        # Answers gloss the same passages question after question: remember the last few thousand.
        self._glosses = functools.lru_cache(maxsize=8192)(self._english_renderings)

    @classmethod
    def load_default(cls) -> Glossary:
        """The glossary packaged as ``assistant/data/glossary.json`` and central government's words
        of ``government.json``, with the state bodies of ``agencies.json`` as proper names;
        validated, cached per class.

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
        return cls([entry_from_record(record, index) for index, record in enumerate(records)])

    @property
    def lexicon_forms(self) -> list[str]:
        """The Swedish forms of the terms, not of proper names: words a Swedish analyzer may learn
        compound parts from."""
        return [form for entry in self.entries if not entry.proper_name for form in entry.forms]

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
        key = phrase_key(query)
        ranked = self._rank(raw, key, folded=False) or self._rank(fold(raw), fold(key), folded=True)
        return [self.entries[index] for _, index in sorted(ranked)[:limit]]

    def lookup(self, term: str) -> GlossaryEntry | None:
        """The entry for a Swedish term or form, or an English term, any case; ``None`` if unknown.

        A Swedish headword wins over a form, a form over an English term ("kommunstyrelse" and
        "Kommunstyrelsen" both give kommunstyrelsen). Falls back to matching without diacritics.
        """
        key = phrase_key(term)
        if not key:
            return None
        for keys, wanted in ((self.lookup_keys, key), (self._folded_lookup_keys, fold(key))):
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
        indexes: dict[GlossaryEntry, None] = {}
        for said, entries in self.english_phrases(text):
            indexes.update(dict.fromkeys(e for e in entries if not plainly or names_plainly(e, said)))
        return list(indexes)

    def english_phrases(self, text: str) -> list[tuple[str, list[GlossaryEntry]]]:
        """Each English phrase of the glossary ``text`` uses (as ``named_in_english`` matches them),
        lowercased, with every entry it names: "interim report" names both a municipality's
        delårsrapport and an assignment's delredovisning. A phrase's last word may stand in the
        possessive ("an insurer's transfer fee" names an insurer). A query is not expanded by a
        possessive (``swedish_for_english``): on the tuning sets that cost as many answers as it
        gained ("the minister's article" then reached other ministers' pages).
        Cost: one tokenizing pass."""
        tokens = tokenize(text)
        return [(" ".join(t[0] for t in tokens[position:position + size]), [self.entries[i] for i in found])
                for position, size, found in self._english.scan_tokens(text, tokens, possessive=True) if found]

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
        tokens = tokenize(text)
        phrases = {start: (size, indexes) for start, size, indexes in self._swedish.scan_tokens(text, tokens)}
        phrase_end = 0
        for position, (word, _, _) in enumerate(tokens):
            size, own = phrases.get(position, (0, ()))
            if own:
                yield own
                if size > 1:
                    phrase_end = position + size
            if position < phrase_end or len(word) < COMPOUND_MIN_WORD:
                continue
            parts = self._compounds.parts(word, own=own)
            if parts:
                yield parts

    def _rank(self, raw: str, key: str, *, folded: bool) -> list[tuple[int, int]]:
        ranked = []
        for index, row in enumerate(self._search_rows):
            rank = row.rank(raw, key, folded=folded)
            if rank is not None:
                ranked.append((rank, index))
        return ranked


def names_plainly(entry: GlossaryEntry, said: str) -> bool:
    """Whether the English phrase ``said`` names ``entry`` plainly: by its English name, or by a
    phrase of two or more words (see ``Glossary.named_in_english``)."""
    key = phrase_key(said)
    return " " in key or key == phrase_key(entry.english)


@functools.cache
def _load_default(cls: type[Glossary]) -> Glossary:
    # One build of the matchers, over the entries of all four files (each validated as read).
    terms = [*json.loads(data_text(_DATA_FILE)), *json.loads(data_text(_GOVERNMENT_FILE))]
    names = json.loads(data_text(_NAMES_FILE))
    countries = json.loads(data_text(_COUNTRIES_FILE))
    return cls([*(entry_from_record(record, index) for index, record in enumerate(terms)),
                *(entry_from_record(record, index, proper_name=True) for index, record in enumerate(names)),
                *(entry_from_record(record, index, proper_name=True, defined=False)
                  for index, record in enumerate(countries))])


def _renderings(entry: GlossaryEntry, extra_terms: int) -> list[str]:
    extra = [term for term in entry.english_terms if term != entry.english.lower()][:max(extra_terms, 0)]
    return [entry.english, *extra]


@functools.cache
def _with_service_topics(base: Glossary) -> Glossary:
    topics = Glossary.from_records(json.loads(data_text("service_topics.json")))
    return Glossary([*base.entries, *topics.entries])
