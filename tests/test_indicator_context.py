"""Indicators in their document: places from the nearest context, sentences mended across page breaks."""

from __future__ import annotations

from policy_nlp.config import load_pipeline
from policy_nlp.indicators import extract_from_texts
from policy_nlp.indicators.stage import headings_above, mine
from policy_nlp.model import Document, Passage, Section


def _document(sections: list[tuple[str, int, str]], passages: list[tuple[int, int, str]]) -> Document:
    doc = Document(path="report.pdf", sha256="0" * 64)
    doc.sections = [Section(heading=h, level=level, path=h, page_start=1, page_end=9, role=role)
                    for h, level, role in sections]
    doc.passages = [Passage(text=text, page=page, section=doc.sections[i].heading, seq=k, section_index=i)
                    for k, (i, page, text) in enumerate(passages)]
    return doc


def _mined(doc: Document) -> list:
    return mine([doc], load_pipeline()).pop().indicators


def test_place_is_per_passage_not_per_document() -> None:
    # The report names Minnesota everywhere; a figure about Jakarta is still Jakarta's.
    doc = _document(
        [("Traffic safety in Minnesota", 1, "status"), ("Lessons from abroad", 1, "status")],
        [(0, 1, "Minnesota recorded 394 traffic deaths. Minnesota has 87 counties."),
         (0, 1, "The state patrol employs 600 troopers."),
         (1, 2, "In Jakarta, Indonesia, a crash killed 189 people on the toll road.")],
    )
    by_value = {i.value: i for i in _mined(doc)}
    assert by_value[394].place == "Minnesota"
    assert by_value[600].place == "Minnesota"  # from the heading: the passage names no place
    assert by_value[189].place in ("Jakarta", "Indonesia")


def test_no_place_when_nothing_near_names_one() -> None:
    doc = _document(
        [("Lanshan Province at a glance", 1, "status"), ("Engines", 1, "other")],
        [(0, 1, "Lanshan Province built 327 smart factories. Lanshan exports cars."),
         (1, 3, "The new diesel engine reached a thermal efficiency of 51%.")],
    )
    by_value = {i.value: i for i in _mined(doc)}
    assert by_value[327].place == "Lanshan"
    assert by_value[51].place == ""


def test_a_region_heading_wins_over_the_country_a_passage_compares_with() -> None:
    doc = _document(
        [("The status of manufacturing in Shandong Province", 1, "status"), ("Networks", 2, "status")],
        [(0, 1, "Shandong grew fast."),
         (1, 2, "A total of 162000 5G base stations have been built, ranking second in China.")],
    )
    (stations,) = [i for i in _mined(doc) if i.value == 162000]
    assert stations.place == "Shandong"


def test_headings_above_stop_at_the_top_level() -> None:
    doc = _document(
        [("Front matter", 0, "other"), ("Status in Hexi", 1, "status"), ("Networks", 2, "status"),
         ("Data centres", 3, "status"), ("Platforms", 2, "status")],
        [],
    )
    assert headings_above(doc, 3) == ["Data centres", "Networks", "Status in Hexi"]
    assert headings_above(doc, 4) == ["Platforms", "Status in Hexi"]


def test_a_sentence_broken_by_a_page_is_read_whole() -> None:
    # "13th Five Year | Plan" split by a page break gave a false "5 years" and cost both figures their period.
    doc = _document(
        [("Technological transformation in Shandong", 1, "status")],
        [(0, 3, "In terms of innovation, Shandong built 225 technology enterprise incubators and 419 maker spaces."),
         (0, 3, "In terms of traditional technological transformation, since the 13th Five Year"),
         (0, 4, "Plan, 60% of Shandong Province's 10 trillion yuan industrial investment has been invested in transformation.")],
    )
    found = _mined(doc)
    assert sorted(i.value for i in found) == [60, 225, 419, 1e13]
    share = next(i for i in found if i.value == 60)
    assert share.period == "since the 13th Five Year Plan"
    assert share.page == 4  # printed on the second page, though its sentence began on the first
    passage = doc.passages[2].text
    assert passage[share.start:share.end] == share.raw_text


def test_context_without_surroundings_keeps_the_documents_place() -> None:
    document = "Digital Upgrading in Lanshan Province.\nLanshan invests. Lanshan grows.\nThe province built 327 smart factories."
    passage = "The province built 327 smart factories."
    assert extract_from_texts([passage], context=document)[0][0].place == "Lanshan"
    assert extract_from_texts([passage], context=document, surroundings=[["Factories"]])[0][0].place == ""


def test_table_cells_are_read_once_from_the_grid_not_again_from_their_row_passage() -> None:
    from policy_nlp.model import Page, Table

    doc = _document(
        [("Water supply in Hexi", 1, "status")],
        [(0, 1, "Hexi extended its network last year.")],
    )
    table = Table(page=1, bbox=(72, 300, 500, 400), rows=[["County", "Stations (2021)"], ["Gaotai", "42"], ["Linze", "17"]],
                  caption="Table 1 Water stations by county", section=0)
    doc.pages = [Page(number=1, width=595, height=842, tables=[table])]
    doc.passages.append(Passage(text="Table 1 Water stations by county: Gaotai | Stations (2021): 42", page=1,
                                section="Water supply in Hexi / [table 1]", seq=1, section_index=0, kind="table"))
    found = _mined(doc)
    assert sorted(i.value for i in found) == [17, 42]
    gaotai = next(i for i in found if i.value == 42)
    assert gaotai.page == 1 and gaotai.section_role == "status" and gaotai.section.endswith("[table 1]")


def test_a_line_ending_in_a_dash_goes_on_so_phone_numbers_and_addresses_stay_whole() -> None:
    from policy_nlp.indicators import extract_indicators

    text = ("FOR FURTHER INFORMATION CONTACT: Jane Roe, Aerospace Engineer; phone and fax: 206-231-\n"
            "3500; email: 9-\nANM-116-AD@faa.gov.\nThe rule affects 73 airplanes.")
    assert [i.value for i in extract_indicators(text)] == [73]


def test_a_count_of_the_countrys_own_states_belongs_to_the_country() -> None:
    doc = _document(
        [("Including all students in assessments", 1, "status")],
        [(0, 1, "In Kentucky, Maine and New Jersey the U.S. Department reviewed the tests."),
         (0, 1, "By 2005, 48 states allowed testing accommodations for the majority of students.")],
    )
    (states,) = [i for i in _mined(doc) if i.value == 48]
    assert states.place == "United States"


def test_a_table_row_named_by_state_codes_or_a_region_has_that_place() -> None:
    from policy_nlp.indicators.table_cells import table_indicators
    from policy_nlp.model import Table

    table = Table(page=1, bbox=(0, 0, 100, 100), caption="Biodiesel prices ($/gal)",
                  rows=[["Region", "W/E 02/24/17"], ["Biodiesel (IL/IN/OH)", "3.47"], ["Eastern Cornbelt Ethanol", "1.49"],
                        ["NO/YES ballots", "12"]])
    places = {i.value: i.place for i in table_indicators(table)}
    assert places[3.47] == "IL/IN/OH" and places[1.49] == "Eastern Cornbelt" and places[12] == ""


def test_a_figure_in_a_passage_running_over_a_page_break_takes_the_page_it_is_printed_on() -> None:
    from policy_nlp.model import Block, Page

    first = "Rather, the study asks whether Head Start is helpful to the children, and this is important to"
    second = "parents: the best approach is to let 4,000 children enter the program and compare their outcomes."
    doc = _document([("Study design in Ohio", 1, "status")], [(0, 2, f"{first} {second}")])
    doc.pages = [Page(number=2, width=612, height=792, blocks=[Block(lines=[], page=2, text=first)]),
                 Page(number=3, width=612, height=792, blocks=[Block(lines=[], page=3, text=second)])]
    (children,) = _mined(doc)
    assert children.value == 4000 and children.page == 3
