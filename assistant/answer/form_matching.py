"""How a fact's form is found in a text apart from the words a question already has: "20" is a new
figure beside a question's "2025", "Migrationsverket" no new body beside its "Migrationsverkets".
Shared by ``fact_forms`` and ``person_forms``; regex work only.
"""

from __future__ import annotations

import re


def is_new(match: re.Match[str], exclude: str) -> bool:
    """The match is not in ``exclude`` as whole words, a genitive included either way: "20" is new
    beside a question's "2025", "Migrationsverket" is not beside its "Migrationsverkets", nor
    "Migrationsverkets" beside its "Migrationsverket"."""
    found = match.group(0).strip().casefold()
    forms = (found, found[:-1]) if found.endswith("s") and len(found) > 4 else (found,)  # "Jordbruksverkets"
    return not any(uses(exclude, form) for form in forms)


def uses(text: str, name: str) -> bool:
    """Whether ``text`` has ``name`` as a whole word, in the genitive too ("Vinnovas")."""
    return re.search(rf"(?<!\w){re.escape(name)}(?::?s)?(?!\w)", text) is not None


def finds(pattern: re.Pattern[str], text: str, exclude: str, *, unless_after: re.Pattern[str] | None = None) -> bool:
    """Whether ``pattern`` matches ``text`` somewhere other than with words already in ``exclude``,
    and, with ``unless_after``, not right after words it matches (anchored with ``$``)."""
    return any(is_new(match, exclude) and not (unless_after and unless_after.search(text, 0, match.start()))
               for match in pattern.finditer(text))
