"""What a quoted unit is read with: a numbered item's title is a heading for the sentences under it."""

from __future__ import annotations

from assistant.answer.list_lines import is_list_item, item_heading, listed_after, opens_an_item
from assistant.answer.list_questions import announcing_as_many, asks_for_every_one, enumerates

MARKDOWN = """Regeringen ändrar uppdraget enligt följande.
2. Analyser av regelgivningen

   För åtgärden får Tillväxtverket under 2025 använda högst 2 miljoner kronor.
3. Förmedla bidrag till Sweden Food Arena

   Tillväxtverket ska årligen lämna stöd.

   För åtgärden får Tillväxtverket under 2025 använda högst 3 miljoner kronor.
"""
# The same item as a Word list paragraph: title and body on one line.
ONE_LINE = ("- Förmedla bidrag till Sweden Food Arena Tillväxtverket ska årligen lämna stöd. "
            "För åtgärden får högst 3 miljoner.\n")


def test_an_indented_paragraph_is_read_under_its_item_s_title() -> None:
    third = MARKDOWN.index("För åtgärden får Tillväxtverket under 2025 använda högst 3")
    second = MARKDOWN.index("För åtgärden får Tillväxtverket under 2025 använda högst 2")
    assert item_heading(MARKDOWN, third) == "Förmedla bidrag till Sweden Food Arena"
    assert item_heading(MARKDOWN, second) == "Analyser av regelgivningen"


def test_a_later_sentence_of_an_item_line_is_read_under_its_opening_sentence() -> None:
    assert "Sweden Food Arena" in item_heading(ONE_LINE, ONE_LINE.index("För åtgärden"))


def test_a_title_or_plain_prose_has_no_item_heading() -> None:
    assert item_heading(MARKDOWN, MARKDOWN.index("Förmedla bidrag")) == ""
    assert item_heading(MARKDOWN, MARKDOWN.index("enligt följande")) == ""


def test_a_long_opening_sentence_is_no_heading_over_the_sentence_after_it() -> None:
    # Its words would be counted for the short sentence after it, which then outranks it.
    item = ("* För att få en garanterad kreditfacilitet måste elproducenten åta sig att inte besluta om nya "
            "bonusar eller annan form av rörlig ersättning som inte kan jämställas med normalt löneuttag "
            "till ledande befattningshavare eller vinstutdelning under lånets löptid. Riksgäldskontorets "
            "åtagande mot kreditinstituten berörs inte.\n")
    assert item_heading(item, item.index("Riksgäldskontorets")) == ""


def test_a_question_for_every_one_of_several_things_is_told_from_one_for_so_many() -> None:
    assert asks_for_every_one("Inom vilka områden ska forskningsprogrammen utvärderas?")
    assert asks_for_every_one("Which agencies are covered by the review?")
    assert not asks_for_every_one("Which two universities are to run the pilot?")  # so many, not every one
    assert not asks_for_every_one("När ska uppdraget redovisas?")


def test_a_sentence_naming_four_or_more_things_in_a_row_enumerates_them() -> None:
    assert enumerates("Uppdraget omfattar Polismyndigheten, Åklagarmyndigheten, Ekobrottsmyndigheten, "
                      "Sveriges Domstolar och Kriminalvården.")
    assert enumerates("Programmen gäller klimat, livsmedel, antibiotikaresistens samt migration och integration.")
    assert not enumerates("Regeringen har, efter samråd, gett uppdraget till Boverket.")
    assert not enumerates("Boverket och Lantmäteriet ska samverka.")
    assert not enumerates("De kan leva i Sverige, med tillgång till arbetsmarknaden, samt kan resa fritt.")
    assert enumerates("Uppsala, Lund, Umeå, and Malmö take part.")  # with a comma before the last one too
    assert not enumerates("ab cd, " * 2000)  # a long run of commas is read in one pass, and ends in no "och"


def test_a_sentence_naming_the_things_it_announces_by_their_number_enumerates_them() -> None:
    assert enumerates("Paketet har tre delar; en uppförandekod för skatter, ett direktiv om sparande och ett "
                      "direktiv om royalties.")
    assert enumerates("The plan has three parts: a code of conduct, a savings rule and a royalty rule.")
    assert not enumerates("Det finns två sorters stöd: ett för kommuner och ett för regioner.")


def test_lines_under_a_colon_that_no_bullet_marks_are_its_list() -> None:
    """A web page's contacts, one per line under a bold lead-in."""
    text = ("**Kontaktpersoner:**\nSäkerhetsskyddslagen: Maria Werleskog 08-405 83 58\n"
            "Terrängkörning: Anna Berglund 08-405 49 58\n\nNästa stycke.")
    end = text.index(":**") + 1
    items = listed_after(text, "Kontaktpersoner:", end)
    assert [text[a:b] for a, b in items] == ["Säkerhetsskyddslagen: Maria Werleskog 08-405 83 58",
                                             "Terrängkörning: Anna Berglund 08-405 49 58"]
    # A paragraph under a sentence, or one line under a colon, is no list.
    assert listed_after("Regeringen beslutar.\nEn rad.\nEn till.", "Regeringen beslutar.", 20) == []
    assert listed_after("Så här:\nEn enda rad.", "Så här:", 7) == []


def test_a_question_saying_how_many_it_asks_for_is_answered_by_a_sentence_announcing_as_many() -> None:
    announcing = announcing_as_many("What two parts did the assignment consist of?")
    assert announcing is not None
    assert announcing.search("Uppdraget bestod av två delar: att underlätta … och att analysera …")
    assert not announcing.search("Uppdraget bestod av tre delar: A, B och C.")
    assert announcing_as_many("Which parts did the assignment consist of?") is None


def test_a_middle_dot_marks_an_item_and_a_lead_in_is_read_with_the_items_it_marks() -> None:
    text = ("På mötet kommer ordförandeskapet att presentera prioriteringar:\n\n"
            "· ett mer suveränt Europa,\n\n· en ny europeisk tillväxtmodell och\n\n· ett humant Europa.\n")
    lead_in = text.index(":") + 1
    assert is_list_item("· ett mer suveränt Europa,")
    assert len(listed_after(text, text[:lead_in], lead_in)) == 3


def test_a_numbered_line_read_without_its_number_is_still_an_item() -> None:
    text = "Remissinstanser\n67. Region Västmanland\n68. Region Örebro\n"
    assert opens_an_item(text, text.index("Region Västmanland"))
    assert not opens_an_item(text, text.index("Remissinstanser"))
