"""The Swedish–English glossary: its packaged data, English → Swedish query expansion, Swedish →
English glosses (compound words included), look-up and search."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.glossary import Glossary, GlossaryEntry

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
GLOSSARY_JSON = Path(__file__).resolve().parent.parent / "assistant" / "data" / "glossary.json"


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return Glossary.load_default()


def _entry(term: str, *, forms: tuple[str, ...] = (), english_terms: tuple[str, ...] = (),
           english: str = "thing") -> GlossaryEntry:
    return GlossaryEntry(term=term, english=english, explanation=f"What {term} is.",
                         explanation_sv=f"Vad {term} är.", forms=(term, *forms), english_terms=english_terms)


def _record(**overrides: object) -> dict[str, object]:
    record: dict[str, object] = {"term": "bostad", "english": "housing", "explanation": "A home.",
                                 "explanation_sv": "Ett hem.", "forms": ["bostad", "bostäder"],
                                 "english_terms": ["housing"]}
    record.update(overrides)
    return record


# --- the packaged data ------------------------------------------------------------------------------


def test_default_glossary_has_at_least_350_valid_entries_with_unique_terms(glossary: Glossary) -> None:
    assert len(glossary.entries) >= 350
    terms = [entry.term.casefold() for entry in glossary.entries]
    assert len(terms) == len(set(terms))
    for entry in glossary.entries:
        assert entry.term and entry.english and entry.explanation and entry.explanation_sv
        assert entry.forms and all(form == form.lower() and form.strip() == form for form in entry.forms)
        assert all(term == term.lower() for term in entry.english_terms)


@pytest.mark.parametrize("data_file", [GLOSSARY_JSON, GLOSSARY_JSON.with_name("agencies.json"),
                                       GLOSSARY_JSON.with_name("government.json"),
                                       GLOSSARY_JSON.with_name("countries.json")])
def test_the_data_files_are_plain_json_lists_of_the_six_fields(data_file: Path) -> None:
    records = json.loads(data_file.read_text(encoding="utf-8"))
    assert isinstance(records, list)
    assert all(set(record) == {"term", "english", "explanation", "explanation_sv", "forms", "english_terms"}
               for record in records)


def test_state_agencies_are_known_by_their_official_english_names(glossary: Glossary) -> None:
    """English questions name the state's bodies in English; the documents name them in Swedish."""
    named = glossary.named_in_english("Which agency will the Swedish Agency for Public Management be merged into?")
    assert "Statskontoret" in [entry.term for entry in named]
    assert "trafikverket" in glossary.swedish_for_english("the Swedish Transport Administration")
    definition = glossary.lookup("Boverket")
    assert definition is not None and "Boverket" in definition.explanation_sv


def test_central_governments_words_are_known_by_the_english_a_question_uses(glossary: Glossary) -> None:
    """Staff ask about government assignments and budgets in English; the pages write Swedish."""
    assert "vårbudgeten" in glossary.swedish_for_english("How much is in the spring budget for the regions?")
    assert "anslag" in glossary.swedish_for_english("Which appropriation funds it?")
    assert "skogsbränder" in glossary.swedish_for_english("How many forest fires were there?")
    assert "kreditivbrev" in glossary.lexicon_forms  # a term, not a proper name: compounds split by it


def test_health_care_for_children_is_known_by_its_english_words(glossary: Glossary) -> None:
    """"What screening will become mandatory at child health centres?" is about BVC."""
    assert "bvc" in glossary.swedish_for_english("What screening will become mandatory at child health centres?")
    assert "mvc" in glossary.swedish_for_english("the antenatal clinic")
    assert "mvc" not in glossary.swedish_for_english("maternity care")  # "mödravård" broadly, not the clinic


def test_state_bodies_are_proper_names_no_compound_is_split_by(glossary: Glossary) -> None:
    """A body's name ("Klimatpolitiska rådet", "SIS") is matched and explained, but its words are not
    taught to the analyzers as compound parts: that made "klimat" a part of "klimatanpassning"."""
    bodies = [entry for entry in glossary.entries if entry.proper_name]
    assert len(bodies) >= 150 and glossary.lookup("Statskontoret") in bodies
    lexicon = set(glossary.lexicon_forms)
    assert not lexicon & {form for entry in bodies for form in entry.forms}
    assert "kommunfullmäktige" in lexicon
    assert glossary.lookup("kommunfullmäktige") not in bodies


def test_every_term_is_explained_in_swedish_too(glossary: Glossary) -> None:
    council = glossary.lookup("kommunfullmäktige")
    assert council is not None and council.explanation_sv.startswith("Kommunfullmäktige")
    assert all(entry.explanation_sv != entry.explanation for entry in glossary.entries)


def test_core_governance_terms_use_the_standard_english_renderings(glossary: Glossary) -> None:
    expected = {
        "kommunfullmäktige": "municipal council",
        "kommunstyrelsen": "municipal executive board",
        "nämnd": "committee",
        "förvaltning": "administration",
        "nyanländ": "newly arrived",
        "huvudansvar": "main responsibility",
        "bostad": "housing",
        "länsstyrelsen": "county administrative board",
    }
    for term, english in expected.items():
        entry = glossary.lookup(term)
        assert entry is not None and entry.english == english, term


def test_the_glossary_covers_the_vocabulary_of_the_corpus(glossary: Glossary) -> None:
    for term in ["kommunledningsgruppen", "arbetsmarknadsenheten", "flyktingmottagning", "etableringsplan",
                 "samhällsorientering", "studiehandledning", "upplåtelseform", "dokumentansvarig",
                 "diarienummer", "mandatperiod", "helägda bolag", "hedersrelaterat våld", "medborgardialog",
                 "ensamkommande", "familjeanknytning", "egenförsörjning", "sfi", "ifo", "vem", "när", "gäller"]:
        assert glossary.lookup(term) is not None, term


# --- English → Swedish ----------------------------------------------------------------------------------


def test_housing_expands_to_the_swedish_housing_words(glossary: Glossary) -> None:
    forms = glossary.swedish_for_english("housing")
    assert {"bostad", "bostäder", "boende"} <= set(forms)


def test_who_owns_housing_goals_expands_to_responsibility_housing_and_goal_forms(glossary: Glossary) -> None:
    forms = set(glossary.swedish_for_english("Who owns housing goals?"))
    assert {"vem", "ansvar", "ansvarig", "ansvarar", "huvudansvar"} <= forms
    assert {"bostad", "bostäder", "boende"} <= forms
    assert {"mål", "målen"} <= forms


def test_the_longest_phrase_wins_and_no_word_is_used_twice(glossary: Glossary) -> None:
    forms = glossary.swedish_for_english("main responsibility")
    assert "huvudansvar" in forms
    assert "ansvar" not in forms  # "responsibility" was used by the longer phrase


def test_matching_is_case_insensitive_on_word_boundaries(glossary: Glossary) -> None:
    assert "bostad" in glossary.swedish_for_english("HOUSING for Newly Arrived")
    assert "nyanlända" in glossary.swedish_for_english("HOUSING for Newly Arrived")
    assert glossary.swedish_for_english("rehousingsomething") == []


def test_expansions_are_deduplicated_in_order_of_appearance(glossary: Glossary) -> None:
    forms = glossary.swedish_for_english("goals and housing and goals")
    assert len(forms) == len(set(forms))
    assert forms.index("mål") < forms.index("bostad")


def test_text_without_glossary_words_expands_to_nothing(glossary: Glossary) -> None:
    assert glossary.swedish_for_english("") == []
    assert glossary.swedish_for_english("xyzzy plugh") == []


# --- Swedish → English -----------------------------------------------------------------------------------


def test_compound_words_are_glossed_through_their_known_parts(glossary: Glossary) -> None:
    glosses = glossary.english_for_swedish("Ett integrationsperspektiv ska skrivas in i bostadsförsörjningsprogrammet.")
    assert "housing" in glosses
    assert "integration perspective" in glosses


def test_a_compound_that_starts_with_boende_is_glossed_as_housing(glossary: Glossary) -> None:
    glosses = glossary.english_for_swedish("Verka för en god boendemiljö i hela kommunen.")
    assert "living environment" in glosses and "housing" in glosses


def test_inflected_and_multiword_forms_are_glossed(glossary: Glossary) -> None:
    glosses = glossary.english_for_swedish(
        "Kommunstyrelsens uppföljning. Kultur- och fritidschef. Individ- och familjeomsorgen. Gäller t o m 2018.")
    assert {"municipal executive board", "follow-up", "head of culture and leisure",
            "individual and family care", "valid until"} <= set(glosses)


def test_glosses_are_deduplicated_and_bounded_per_entry(glossary: Glossary) -> None:
    glosses = glossary.english_for_swedish("bostad bostäder bostaden", extra_terms=1)
    assert glosses == ["housing", "dwelling"]
    assert glossary.english_for_swedish("bostad", extra_terms=0) == ["housing"]


def test_derived_words_are_not_split_into_false_compounds(glossary: Glossary) -> None:
    assert "municipality" not in glossary.english_for_swedish("kommunikationen")
    assert "respect" not in glossary.english_for_swedish("respektive")


def test_short_parts_are_not_taken_for_compound_parts(glossary: Glossary) -> None:
    # "mål" (3 letters) is too short to be found inside a compound; "målen" (5) is long enough.
    assert "goal" not in glossary.english_for_swedish("tillväxtmål")
    assert "goal" in glossary.english_for_swedish("tillväxtmålen")


# --- lookup and search ------------------------------------------------------------------------------------


def test_lookup_accepts_any_case_any_form_or_an_english_term(glossary: Glossary) -> None:
    assert glossary.lookup("Kommunstyrelsen").english == "municipal executive board"  # type: ignore[union-attr]
    assert glossary.lookup("kommunstyrelse").term == "kommunstyrelsen"  # type: ignore[union-attr]
    assert glossary.lookup("bostäderna").term == "bostad"  # type: ignore[union-attr]
    assert glossary.lookup("municipal council").term == "kommunfullmäktige"  # type: ignore[union-attr]
    assert glossary.lookup("nyanland").term == "nyanländ"  # type: ignore[union-attr]
    assert glossary.lookup("no such thing") is None


def test_search_finds_a_term_by_a_part_of_it(glossary: Glossary) -> None:
    results = glossary.search("fullmäktige")
    assert results[0].term == "kommunfullmäktige"


def test_search_ranks_exact_matches_before_prefixes_before_substrings(glossary: Glossary) -> None:
    terms = [entry.term for entry in glossary.search("bostad")]
    assert terms[0] == "bostad"
    assert terms.index("bostadsförsörjning") < terms.index("allmännyttan")


def test_search_is_case_insensitive_and_honours_the_limit(glossary: Glossary) -> None:
    assert glossary.search("KOMMUNSTYRELSEN")[0].term == "kommunstyrelsen"
    assert len(glossary.search("a", limit=5)) == 5
    assert glossary.search("bostad", limit=0) == []


def test_an_empty_search_lists_entries_in_glossary_order(glossary: Glossary) -> None:
    assert glossary.search("", limit=3) == list(glossary.entries[:3])
    assert glossary.search("   ", limit=len(glossary.entries)) == list(glossary.entries)


# --- validation ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("record", "message"), [
    (_record(forms=[]), "'forms' must not be empty"),
    (_record(forms=["Bostad"]), "must be lowercase"),
    (_record(english_terms=["Housing"]), "must be lowercase"),
    (_record(english=""), "'english' must be a non-empty string"),
    (_record(colour="blue"), "unknown fields"),
    ({"term": "bostad"}, "missing fields"),
    ("bostad", "expected an object"),
])
def test_a_bad_entry_is_rejected_with_its_index_and_term(record: object, message: str) -> None:
    with pytest.raises(ValueError, match=message) as error:
        Glossary.from_records([_record(term="mål", forms=["mål"]), record])
    assert "glossary entry 1" in str(error.value)


def test_repeated_terms_are_rejected() -> None:
    with pytest.raises(ValueError, match="repeats the term"):
        Glossary([_entry("bostad"), _entry("Bostad")])


def test_a_glossary_that_is_not_a_list_is_rejected() -> None:
    with pytest.raises(ValueError, match="JSON list"):
        Glossary.from_records({"term": "bostad"})


def test_a_small_glossary_works_without_the_packaged_data() -> None:
    glossary = Glossary([_entry("nämnd", forms=("nämnden",), english="committee", english_terms=("board",))])
    assert glossary.swedish_for_english("Which board decides?") == ["nämnd", "nämnden"]
    assert glossary.english_for_swedish("Nämnden beslutar.") == ["committee", "board"]


# --- cost ----------------------------------------------------------------------------------------------


def test_the_entries_an_english_text_names_are_found_once_each_in_order(glossary: Glossary) -> None:
    named = [entry.term for entry in glossary.named_in_english("What is the parking policy for staff?")]
    assert "personal" in named and "anställd" in named and len(named) == len(set(named))
    board = [entry.term for entry in glossary.named_in_english("What does the municipal executive board decide?")]
    assert "kommunstyrelsen" in board
    assert glossary.named_in_english("Xylophones and zebras") == []


def test_plainly_named_entries_are_those_named_by_their_english_name_or_a_phrase(glossary: Glossary) -> None:
    question = "Which register keeps the cooperative societies with their seat in Sweden?"
    every = [entry.term for entry in glossary.named_in_english(question)]
    plainly = [entry.term for entry in glossary.named_in_english(question, plainly=True)]
    assert "ledamot" in every and "ledamot" not in plainly  # "seat": a one-word alternative for a member
    assert "diarium" in plainly  # "register" is the entry's English name
    board = glossary.named_in_english("What does the municipal executive board decide?", plainly=True)
    assert "kommunstyrelsen" in [entry.term for entry in board]


def test_an_english_word_with_another_sense_in_the_question_does_not_expand(glossary: Glossary) -> None:
    """"Official control" is offentlig kontroll, not a civil servant's; "control" is not oppression.
    The plural noun still finds tjänsteman."""
    expanded = glossary.swedish_for_english("Who carries out official control of primary producers?")
    assert "tjänsteman" not in expanded and "förtryck" not in expanded
    assert "tjänsteman" in glossary.swedish_for_english("Which officials are responsible?")


def test_a_minister_is_known_by_the_titles_the_pages_write(glossary: Glossary) -> None:
    """Pages say "kulturminister", "ministern", seldom "statsråd": "Which minister …?" must find them."""
    entry = glossary.lookup("statsråd")
    assert entry is not None and {"minister", "ministern", "ministrar"} <= set(entry.forms)


def test_an_english_idiom_names_none_of_the_terms_its_words_are(glossary: Glossary) -> None:
    """"Relative to GDP" asks about no anhörig; the words still name their terms outside the idiom."""
    for idiom in ("tax revenue relative to GDP", "in case of fire", "of course", "as a result of the audit"):
        assert {"anhörig", "ärende", "utbildning", "resultat"}.isdisjoint(
            e.term for e in glossary.named_in_english(idiom)), idiom
    assert "anhörig" in {e.term for e in glossary.named_in_english("support for relatives")}
    assert "anhöriga" not in glossary.swedish_for_english("costs relative to income")


def test_countries_are_known_by_their_english_names_and_adjectives(glossary: Glossary) -> None:
    """"How much has Sweden given to Ukraine?" is asked of pages that write Ukraina."""
    assert "ukraina" in glossary.swedish_for_english("How much support has Sweden given to Ukraine?")
    assert "ryska" in glossary.swedish_for_english("What did the Russian government decide?")
    assert "saudiarabien" in glossary.swedish_for_english("Who is Saudi Arabia's new ambassador?")
    assert "Palestine" in glossary.english_for_swedish("Situationen i de ockuperade palestinska områdena")
    entry = glossary.lookup("Tyskland")
    assert entry is not None and entry.proper_name and not entry.defined and entry.english == "Germany"


def test_a_municipal_water_services_plan_and_cloudbursts_are_known_by_their_swedish_names(glossary: Glossary) -> None:
    """"What must a municipality's water services plan assess regarding cloudbursts?" is asked of
    pages that write vattentjänstplan and skyfall; a contractor is an entreprenör."""
    forms = glossary.swedish_for_english("What must a municipality's water services plan assess regarding cloudbursts?")
    assert "vattentjänstplan" in forms and "skyfall" in forms
    assert "entreprenör" in glossary.swedish_for_english("Can the contractor be held liable?")
    assert "ansvarsprincipen" in glossary.swedish_for_english("What does the principle of responsibility mean?")


def test_a_word_in_the_english_possessive_names_its_entry(glossary: Glossary) -> None:
    """"an insurer's transfer fee" names an insurer (försäkringsföretag) as well as the fee."""
    named = {entry.term for _, entries in glossary.english_phrases("What may an insurer's transfer fee cover?")
             for entry in entries}
    assert {"försäkringsföretag", "flytträtt"} <= named
    assert "Statsrådsberedningen" in {entry.term for _, entries in glossary.english_phrases(
        "What does the Prime Minister's Office do?") for entry in entries}


def test_legal_and_nuclear_terms_are_known_by_their_swedish_names(glossary: Glossary) -> None:
    """Terms of proposals on coercive measures, arbitration and nuclear waste, asked in English."""
    assert "rumsavlyssning" in glossary.swedish_for_english("What is secret room bugging?")
    assert "skiljedom" in glossary.swedish_for_english("Which court hears challenges to arbitral awards?")
    forms = glossary.swedish_for_english("How much spent nuclear fuel will the final repository hold?")
    assert "kärnbränsle" in forms and "slutförvar" in forms
    assert "dödsstraff" in glossary.swedish_for_english("Does the country still use the death penalty?")


def test_criminal_gangs_and_legally_binding_are_known_by_the_words_the_pages_use(glossary: Glossary) -> None:
    """"Criminal gangs" is "de kriminella gängen" as often as "gängkriminalitet"; "legally binding"
    is "juridiskt bindande"."""
    assert "kriminella gängen" in glossary.swedish_for_english("How many are recruited into criminal gangs?")
    assert "juridiskt bindande" in glossary.swedish_for_english("Is the agreement legally binding?")
