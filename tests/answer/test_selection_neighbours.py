"""What a sentence is quoted with, or gives way to, for what its neighbours state: the next
sentence stating the figure (or a later one of its paragraph), the list a short sentence after it
announces, a count given by naming."""

from __future__ import annotations

from assistant.answer.asked_kind import asked_type
from assistant.answer.selection import candidates, select
from tests.answer.test_selection import lead_quote, passage

CARE = ("Stärk ledarskapet\n\n* Arbetsgivarna bör sätta ett tak för antalet medarbetare som chefen med personalansvar "
        "ska ansvara för. 20–30 personer är lämpligt. Här bör alla anställda räknas in.\n")

TENANCY = ("Hyresrätten\n\nRegeringen har även lämnat förslag som stärker det hyresrättsliga skyddet för den som "
           "utsätts för våld av en närstående. Förslagen innebär bland annat att\n") + """
* den brottsutsatta ska få ta över hyresavtalet, och
* en brottsutsatt hyresgäst ska få behålla hyresavtalet vid en uppsägning.

Lagändringarna föreslås träda i kraft den 1 juli 2024.
"""

AGENCIES = ("Ändring av uppdraget\n\nRegeringen ändrar uppdraget till Arbetsförmedlingen, Försäkringskassan, "
            "Konsumentverket, Migrationsverket och Statens servicecenter. Uppdraget ska slutredovisas den 15 december "
            "2027.\n")


def chosen(question: str, text: str, similarity: dict[str, float]) -> tuple[list[str], bool]:
    prose = passage(text.split("\n", 1)[0], similarity=similarity, text=text)
    answer_type = asked_type(question)
    ranked = candidates([prose], question=question, overlap=lambda _: 0.0, answer_type=answer_type,
                        counted=frozenset({"myndi"}) if "myndigheter" in question else frozenset())
    selection = select(ranked, question=question, answer_type=answer_type)
    return [" ".join(text[a:b] for a, b in spans) for _, spans in selection.chosen], selection.missing_fact


def test_the_sentence_after_the_closest_one_states_the_count_it_is_about() -> None:
    """The best sentence sets the topic ("ett tak för antalet medarbetare"), the next states the
    figure: it leads, though it scores a little further from the question than the typed margin."""
    quotes, missing = chosen("How many employees should a first-line manager be responsible for at most?", CARE,
                             {"* Arbetsgivarna": 0.86, "20–30": 0.83, "Här bör": 0.80})
    assert not missing and "20–30 personer är lämpligt." in quotes[0]


DONATION = ("Anskaffning för donation\n\nRegeringen avser att bemyndiga Försvarets materielverk, FMV, att anskaffa "
            "försvarsmateriel till det ukrainska försvaret. Urvalet av materiel bygger på FMV:s kartläggning av "
            "marknaden. Ukraina har behov av ytterligare materiel och utrustning. Totalt avsätts ca 9,2 miljarder "
            "kronor i detta syfte.\n\nEkonomiska donationer\n\nStödpaketet omfattar 5 miljarder kronor till fonder.\n")


def test_a_later_sentence_of_the_closest_ones_paragraph_states_the_sum_it_is_about() -> None:
    """"Totalt avsätts … i detta syfte" closes the paragraph the best sentence opens; the next
    paragraph's sum is of something else and does not lead, though it scores as close."""
    quotes, missing = chosen("Hur mycket avsätts för att FMV ska köpa in försvarsmateriel till Ukraina?", DONATION,
                             {"Regeringen avser": 0.92, "Totalt avsätts": 0.80, "Stödpaketet omfattar": 0.78,
                              "Urvalet": 0.75, "Ukraina har": 0.75, "Anskaffning": 0.7, "Ekonomiska": 0.7})
    assert not missing and quotes[0] == "Totalt avsätts ca 9,2 miljarder kronor i detta syfte."


def test_a_sum_in_another_paragraph_does_not_answer_for_the_closest_sentence() -> None:
    without_total = DONATION.replace(" Totalt avsätts ca 9,2 miljarder kronor i detta syfte.", "")
    _, missing = chosen("Hur mycket avsätts för att FMV ska köpa in försvarsmateriel till Ukraina?", without_total,
                        {"Regeringen avser": 0.92, "Stödpaketet omfattar": 0.78})
    assert missing


def test_a_sentence_whose_line_ends_announcing_a_list_is_quoted_with_the_list() -> None:
    quotes, _ = chosen("Vad föreslår regeringen för att stärka skyddet för den som utsätts för våld?", TENANCY,
                       {"Regeringen har även": 0.9})
    assert quotes[0].startswith("Regeringen har även") and "behålla hyresavtalet vid en uppsägning." in quotes[0]


def test_how_many_agencies_is_answered_by_the_sentence_naming_them() -> None:
    quotes, missing = chosen("Hur många myndigheter omfattas av uppdraget?", AGENCIES,
                             {"Uppdraget ska": 0.9, "Regeringen ändrar": 0.85})
    assert not missing and quotes[0].startswith("Regeringen ändrar uppdraget till Arbetsförmedlingen")


def test_a_sentence_giving_the_cause_of_this_is_quoted_with_the_sentence_before_it() -> None:
    """"Till följd av detta har Sverige ett överskott …" answers why only with what "detta" is."""
    text = ("Under perioden 2008–2012 minskade Sverige utsläppen mer än vad som krävdes enligt åtagandet. "
            "Till följd av detta har Sverige ett överskott av tilldelade utsläppsenheter.")
    quote = lead_quote(text, "Till följd", "Varför har Sverige ett överskott av utsläppsenheter?")
    assert quote.startswith("Under perioden 2008–2012") and quote.endswith("utsläppsenheter.")


POLICE_DATA = ("Ny lag\n\nPropositionen innehåller förslag till en ny lag om behandling av personuppgifter i polisens "
               "brottsbekämpande verksamhet. Lagen ska ersätta den nuvarande polisdatalagen.\n\nIkraftträdande\n\n"
               "Lagförslagen föreslås träda i kraft den 1 mars 2012.\n")


def test_the_date_of_the_event_asked_about_leads_though_it_reads_further_from_the_question() -> None:
    """"När … börja gälla?" asks when the law enters into force: the sentence dating that event
    answers, though the sentences naming the law (another paragraph's) read closer to the question."""
    quotes, missing = chosen("När föreslås de nya lagarna om polisens personuppgiftsbehandling börja gälla?",
                             POLICE_DATA, {"Propositionen": 0.90, "Lagen ska": 0.89, "Lagförslagen": 0.78,
                                           "Ny lag": 0.7, "Ikraftträdande": 0.7})
    assert not missing and quotes[0] == "Lagförslagen föreslås träda i kraft den 1 mars 2012."
