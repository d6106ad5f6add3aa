"""What the renderers draw: a source text read into elements, grouped into the blocks of a page.

Sources are read with the project's own readers, so a rendered document carries exactly the
elements (and element texts) the plain-text and Markdown readers find in its source.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from assistant.models import Element, ElementKind
from assistant.parse.markdown import read_markdown
from assistant.parse.plaintext import read_plain_text

BlockKind = Literal["title", "heading", "paragraph", "list", "table"]

_NUMBERED = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?\s")


def elements_of(path: Path) -> list[Element]:
    """The elements of a ``.txt`` (plain-text reader) or ``.md`` (Markdown reader) file, in order.

    Raises ``ValueError`` for any other suffix.
    """
    suffix = path.suffix.lower()
    if suffix not in {".txt", ".md"}:
        raise ValueError(f"cannot read {path.name}: only .txt and .md sources are supported")
    return elements_of_text(path.read_text(encoding="utf-8"), markdown=suffix == ".md")


def elements_of_text(text: str, *, markdown: bool) -> list[Element]:
    """The elements of ``text`` as the Markdown reader (``markdown=True``) or plain-text reader sees them."""
    return (read_markdown(text) if markdown else read_plain_text(text)).elements


@dataclass(frozen=True, slots=True)
class Block:
    """A unit of layout: one title, heading or paragraph, or a run of list items or table rows.

    ``first`` is the index of the block's first element in the rendered sequence.
    """

    kind: BlockKind
    first: int
    elements: tuple[Element, ...]


_RUN_KINDS: dict[ElementKind, BlockKind] = {ElementKind.LIST_ITEM: "list", ElementKind.TABLE_ROW: "table"}
_SINGLE_KINDS: dict[ElementKind, BlockKind] = {ElementKind.HEADING: "heading", ElementKind.PARAGRAPH: "paragraph"}


def blocks_of(elements: Sequence[Element], *, breaks: Collection[int] = ()) -> list[Block]:
    """Group ``elements`` into blocks: the first element is the title; consecutive list items form
    one list and consecutive table rows one table. An index in ``breaks`` always starts a new block
    (a forced page break inside a run of table rows starts a new table there).
    """
    blocks: list[Block] = []
    for index, element in enumerate(elements):
        if index == 0:
            blocks.append(Block("title", 0, (element,)))
            continue
        kind = _RUN_KINDS.get(element.kind)
        previous = blocks[-1]
        if kind is not None and previous.kind == kind and index not in breaks:
            blocks[-1] = Block(kind, previous.first, (*previous.elements, element))
        else:
            blocks.append(Block(kind or _SINGLE_KINDS[element.kind], index, (element,)))
    return blocks


def numbered_headings(elements: Sequence[Element]) -> dict[int, str]:
    """Heading texts prefixed with hierarchical numbers by level ("1.", "1.1", "1.1.1"), by element
    index. The title (element 0) and headings that already start with a number are left out. A
    heading without a stated level counts as level 1, and the shallowest level numbered counts as
    the top one (a Markdown page under a ``#`` title numbers its ``##`` sections "1.", "2.").
    """
    headings = [(index, element) for index, element in enumerate(elements)
                if index > 0 and element.kind is ElementKind.HEADING and not _NUMBERED.match(element.text)]
    top = min((element.level or 1 for _, element in headings), default=1)
    counters: list[int] = []
    numbered: dict[int, str] = {}
    for index, element in headings:
        depth = max(1, (element.level or 1) - top + 1)
        counters = [*counters[:depth], *[0] * (depth - len(counters))]
        counters[depth - 1] += 1
        number = ".".join(str(n) for n in counters)
        # Word writes a top-level number "1." and deeper ones "1.1" without the final dot.
        numbered[index] = f"{number}. {element.text}" if depth == 1 else f"{number} {element.text}"
    return numbered
