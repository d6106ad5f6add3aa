"""Which one of a series a question names by its place, and the documents that speak of it."""

from __future__ import annotations

from assistant.answer.base import Passage
from assistant.answer.ordinals import asked_places, names_the_place_of
from assistant.models import DocumentInfo, Hit


def passage(document_id: str, title: str, text: str) -> Passage:
    hit = Hit(chunk_id=f"{document_id}-0", document_id=document_id, title=title, municipality=None, section=title,
              section_path=[title], text=text, score=1.0, start=0, end=len(text))
    return Passage(hit=hit, kind="text", document=DocumentInfo(id=document_id, title=title, source_path="x.md"),
                   document_text=text)


def test_a_place_in_a_series_is_asked_from_the_third_on_and_a_third_country_is_none() -> None:
    assert asked_places("How many resolutions were adopted at the fifth UN Environment Assembly?") == {5}
    assert asked_places("Fram till vilket år kunde IPCC ta hänsyn till forskning i sin fjärde rapport?") == {4}
    assert asked_places("What did the first meeting decide?") == frozenset()
    assert asked_places("Which rules apply to third-country nationals?") == frozenset()
    assert asked_places("What proportion of ninth-year pupils have committed a crime?") == frozenset()


def test_a_page_on_the_sixth_assembly_does_not_speak_of_the_fifth() -> None:
    sixth = passage("unea6", "UNEA-6 enades om att stärka samarbetet",
                    "FN:s sjätte miljöförsamling UNEA-6 ägde rum i Nairobi. Där antogs 15 resolutioner.")
    fifth = passage("unea5", "UNEA-5", "Vid UNEA-5 i Nairobi antogs 14 resolutioner.")
    assert names_the_place_of([sixth, fifth], {5}) == {"unea6": False, "unea5": True}
    assert names_the_place_of([sixth], {6}) == {"unea6": True}
    assert names_the_place_of([passage("ipcc", "Ny klimatvetenskap", "IPCC:s 4:e rapport.")], {4}) == {"ipcc": True}


def test_a_page_on_the_fourteenth_support_package_does_not_speak_of_the_fifteenth() -> None:
    fourteenth = passage("stod14", "Nytt militärt stödpaket till Ukraina",
                         "Med detta fjortonde militära stödpaket kommer Sverige ha skänkt materiel till ett värde av "
                         "cirka 22,2 miljarder kronor.")
    assert asked_places("What was the total value of Sweden's fifteenth military support package?") == {15}
    assert names_the_place_of([fourteenth], {15}) == {"stod14": False}
    assert names_the_place_of([fourteenth], {14}) == {"stod14": True}
