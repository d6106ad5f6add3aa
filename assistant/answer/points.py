"""An answer's points: a lead-in and the quoted spans it cites, and how a table row is quoted.

A point names where its quotes come from (municipality, title, section); one from the same
document as the point above does not repeat that (``without_document``). A table row is quoted
cell by cell in the order the question reads it (``row_point``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.answer.answer_type import AnswerType
from assistant.answer.base import Passage
from assistant.answer.citations import cell_span
from assistant.answer.fact_forms import states
from assistant.answer.figures import with_header_unit
from assistant.answer.selection import Candidate

ROLE_COLUMN = re.compile(r"huvudansvar|ansvarig|ansvar", re.IGNORECASE)
_ROW_CELLS = 3  # cells of a table row quoted in one point: what answers, what is done, what was asked about
ACTIVITY_COLUMN = re.compile(r"aktivitet|åtgärd|insats", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Point:
    """One line of an answer: a lead-in and the quoted pieces it cites."""

    passage: Passage
    lead: str
    spans: tuple[tuple[int, int], ...]
    joiner: str = " "
    labels: tuple[str, ...] = ()  # what each quote is, when its words alone do not say: a table cell's column


def row_point(candidate: Candidate, *, answer_type: AnswerType | None, question: str,
              overlap: Callable[[str], float]) -> Point | None:
    """A table row quoted cell by cell, in the order the question reads them: the cells that
    state the kind of fact asked for first ("who?" → the responsible column's, "how often?" → the
    timeline), then the activity (what is to be done: what a plan's row is about), then the cell
    sharing most words with the question, then the others as the table has them. At most
    ``_ROW_CELLS`` cells, each under its column's name (``Point.labels``)."""
    passage = candidate.passage
    cells = [(name, value, span) for name, value in row_cells(passage) if (span := cell_span(passage, value))]
    if not cells:
        return None
    typed = [i for i, (name, value, _) in enumerate(cells)
             if answer_type is not None and states(answer_type, with_header_unit(name, value), besides=question)]
    # "Who?" is answered by the responsible column before any other cell naming someone.
    roles = [i for i in typed if ROLE_COLUMN.search(cells[i][0])] \
        if answer_type in (AnswerType.BODY, AnswerType.PERSON) else []
    activity = [i for i, (name, _, _) in enumerate(cells) if ACTIVITY_COLUMN.search(name)]
    closest = max(range(len(cells)), key=lambda i: (overlap(cells[i][1]), -i))
    order = list(dict.fromkeys([*roles, *typed, *activity, closest, *range(len(cells))]))
    shown = order[:_ROW_CELLS]
    # A cell is read under its column's name: "End of year-allokering (MSEK): “103”", not a bare 103.
    return Point(passage, f"{where(passage)}:", tuple(cells[i][2] for i in shown), joiner=" | ",
                 labels=tuple(cells[i][0].strip() for i in shown))


def row_cells(passage: Passage) -> list[tuple[str, str]]:
    """A table-row passage's ``column: value`` lines as pairs."""
    pairs = []
    for line in passage.hit.text.split("\n"):
        name, _, value = line.partition(": ")
        if value:
            pairs.append((name, value))
    return pairs


def where(passage: Passage) -> str:
    """Where a passage's quotes come from: "Tierp, Handlingsplan för integration (Boende)"."""
    hit = passage.hit
    section = hit.section_path[-1] if hit.section_path else hit.title
    place = f"{hit.municipality}, " if hit.municipality else ""
    return f"{place}{hit.title} ({section})" if section != hit.title else f"{place}{hit.title}"


def without_document(lead: str, passage: Passage, *, same_section: bool) -> str:
    """``lead`` for a point from the same document as the point above: without the municipality
    and title said just above, and without the section too when that is the same."""
    full, hit = where(passage), passage.hit
    if not lead.startswith(full):
        return lead
    section = hit.section_path[-1] if hit.section_path else hit.title
    named = section if section != hit.title and not same_section else ""
    shortened = named + lead[len(full):]
    return shortened if named else shortened.lstrip(" —:").strip()


def one_line(text: str) -> str:
    """``text`` with its runs of whitespace (line breaks included) as single spaces."""
    return re.sub(r"\s+", " ", text).strip()


def grouped_by_municipality(points: list[Point]) -> list[Point]:
    """Keep the ranking, but list each municipality's points together (first appearance first)."""
    order = list(dict.fromkeys(point.passage.hit.municipality or "" for point in points))
    return sorted(points, key=lambda point: order.index(point.passage.hit.municipality or ""))
