"""Splitting long Swedish words into known glossary forms: "bostadsförsörjningsprogrammet" holds
bostadsförsörjning, and within that bostad.

Swedish writes compounds as one word. A word of at least ``COMPOUND_MIN_WORD`` letters may be split
into a known first part (repeatedly: a chain of heads) and a known last part, each at least 5
letters; shorter parts match too much by accident. Pure dictionary work: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping

# A word this long may be split into a known first and/or last part; shorter parts than this match
# too much by accident.
COMPOUND_MIN_WORD = 9
_COMPOUND_MIN_PART = 5
_COMPOUND_MIN_REST = 3
_COMPOUND_MAX_DEPTH = 3
_VOWELS = frozenset("aeiouyåäöé")


class CompoundSplitter:
    """Finds the known single-word forms a long word is compounded of.

    ``single_forms`` maps each single-word form (no spaces) to the indexes of the entries listing
    it; the splitter keeps it and never changes it. Cost of ``parts``: about two look-ups per letter
    of the word.
    """

    def __init__(self, single_forms: Mapping[str, tuple[int, ...]]) -> None:
        self._single_forms = single_forms

    def parts(self, word: str, *, own: tuple[int, ...]) -> tuple[int, ...]:
        """Entries of the known first-part chain and last part of ``word``, de-duplicated.

        ``own`` are the entries ``word`` is itself a form of: a part must bring in another entry, and
        when ``own`` is not empty the split is checked more strictly (the rest must begin with, or
        the head be, a known form), so "kommunikation" is not read as kommun + "ikation".
        """
        found: list[int] = []
        head, head_own, checked = word, own, bool(own)
        for _ in range(_COMPOUND_MAX_DEPTH):
            part = self._first_part(head, exclude=head_own, checked=checked)
            if part is None:
                break
            found.extend(self._single_forms[part])
            # The part is a known form itself, so its own split must be checked like one.
            head, head_own, checked = part, self._single_forms[part], True
            if len(head) < COMPOUND_MIN_WORD:
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
