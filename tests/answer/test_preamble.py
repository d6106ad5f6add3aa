"""A page's byline or dateline: what it is, so that it answers only who, where and when."""

from __future__ import annotations

from assistant.answer.preamble import in_preamble, preamble_span

OP_ED = """# Färre nämnder och en enklare kommun

Debattartikel av kommunstyrelsens ordförande Anna Berg och kommundirektör Per Lind, Norrbyposten, 3 mars 2025.

Vi föreslår att byggnämnden slås samman med miljönämnden från den 1 januari 2026.
"""


def test_an_op_ed_s_byline_under_its_title_describes_the_page() -> None:
    start, end = preamble_span(OP_ED)
    assert OP_ED[start:end].startswith("Debattartikel av") and OP_ED[start:end].endswith("2025.")
    sentence = OP_ED.index("Vi föreslår")
    assert not in_preamble(OP_ED, (sentence, sentence + 20))


def test_a_speech_s_dateline_describes_the_page_in_either_language() -> None:
    for line in ("Stockholm, fredag den 15 november 2024.", "Kommunalrådets tal vid invigningen av biblioteket.",
                 "Speech by the mayor at the opening of the new library, Norrby, 2 May 2024."):
        text = f"# Tal\n\n{line}\n\nKära invånare!\n"
        assert preamble_span(text) is not None, line


def test_a_page_that_opens_with_its_text_has_no_preamble() -> None:
    for opening in ("Den 15 juni höll kommunalrådet en presskonferens om torkan.",
                    "Talet om en tryggare kommun har blivit en fråga för alla nämnder.",
                    "Kommunen satsar 12 miljoner kronor på fler bostäder. " * 10):
        assert preamble_span(f"# Nyhet\n\n{opening}\n\nMer text.\n") is None, opening[:40]


def test_a_note_that_a_summary_follows_describes_the_page() -> None:
    note = ("Här följer en sammanfattning av rapporten om mänskliga rättigheter i Haiti samt en länk "
            "till rapporten i sin helhet.")
    text = f"# Haiti\n\n{note}\n\nDe främsta hindren är korruption och svaga institutioner.\n"
    assert in_preamble(text, (text.index(note), text.index(note) + len(note)))


def test_a_byline_under_a_title_line_without_markup_describes_the_page() -> None:
    """A PDF, DOCX or HTML file's text opens with its title as a plain line, not a Markdown heading."""
    title = "”Reglerna för forskare ska ses över”"
    byline = "Utbildningsminister Anna Ek, debattartikel, Norrbyposten, den 17 maj 2023."
    text = f"{title}\n\n{byline}\n\nRegeringen aviserar nu en utredning av etikprövningen.\n"
    span = (text.index(byline), text.index(byline) + len(byline))
    assert in_preamble(text, span, title=title)
    assert not in_preamble(text, span)  # without the title, the title line is the first paragraph
