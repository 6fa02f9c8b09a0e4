"""Reference lists recognised by their content, whatever their heading."""

from __future__ import annotations

import pytest

from policy_nlp.model import Document, Passage, Section
from policy_nlp.segment.references import EVIDENCE, citation_share, is_citation_like, mark_reference_runs

CITATIONS = [
    "Müller A, Schmidt B, Weber C. Outcomes after hip replacement. Semin Thromb Hemost. 1997;18(2):125–9. doi:10.1055/s-2007-1002417",
    "1997;18(2):125–9. doi:10.1055/s-2007-1002417",
    "Smith, J., & Lee, K. (2019). Regional innovation systems revisited. Research Policy, 48(3), 512–530.",
    "[12] Donati F.: The future of artificial intelligence in the context of industrial ecology. Journal of Industrial Ecology. Vol. 26, pp. 1175-1181 (2022)",
    "12. Garcia, M. Energy transitions in rural Spain. Energy Policy, vol. 12, no. 3, pp. 45–67, 2018.",
    "Stephen Robertson and Hugo Zaragoza. 2009. The probabilistic relevance framework: BM25 and beyond.",
    "Foundations and Trends in Information Retrieval , 3(4):333–389.",
    "In Proceedings of the 18th ACM SIGKDD International Conference on Knowledge Discovery and Data Mining, pages 931–939.",
    "Chen X, Wang Y, Liu Z, et al. Deep learning for traffic forecasting. arXiv:2004.01234, 2020.",
    "World Bank. World Development Report 2020. Washington, DC: World Bank; 2020. ISBN 978-1-4648-1457-0.",
    "OECD. Digital economy outlook. Retrieved from https://www.oecd.org/digital/ on 3 May 2021.",
    "王明, 李华. 山东省工业互联网发展研究[J]. 经济研究, 2021, 35(3): 12-18.",
]

BODY = [
    "In 2019, 12.5% of firms (Table 3) reported a shortage of skilled workers, up from 9.8% in 2015.",
    "As Lee et al. (2019) show, the number of charging stations rose to 1,200 by 2021.",
    "The province built 12 new stations in 2020 [4], and a further 8 are planned for 2022–2025.",
    "Section 44701, General requirements, gives the FAA authority over 737 MAX airplanes (FCC A and FCC B).",
    "Vol. 2 of the plan sets a target of 30 per cent by 2030; see page 45–47 for the details.",
    "Between 2010 and 2020 (see Figure 2), output grew by 4.3 percent a year, as reported by the World Bank (2021).",
    "Standard error tables are available at http://nces.ed.gov/das/library/reports.asp.",
    "First, accelerate the construction of 5G base stations; second, support 3,000 small and medium-sized enterprises.",
]


@pytest.mark.parametrize("text", CITATIONS)
def test_citations_are_citation_like(text: str) -> None:
    assert is_citation_like(text), citation_share(text)


@pytest.mark.parametrize("text", BODY)
def test_body_text_is_not(text: str) -> None:
    assert not is_citation_like(text), citation_share(text)


def test_an_entry_per_line_counts_as_a_whole() -> None:
    text = "\n".join(CITATIONS[2:5])
    assert citation_share(text) == 1.0
    assert citation_share(BODY[0] + " " + BODY[1]) == 0.0


def _document(sections: list[tuple[str, str, list[str]]]) -> Document:
    doc = Document(path="paper.pdf", sha256="0")
    for index, (heading, role, texts) in enumerate(sections):
        doc.sections.append(Section(heading=heading, level=1, path=str(index + 1), page_start=1, page_end=1,
                                    role=role, role_confidence=0.9, role_evidence="heading"))
        for text in texts:
            doc.passages.append(Passage(text=text, page=1, section=heading, seq=len(doc.passages), role=role,
                                        section_index=index))
    return doc


def test_unheaded_reference_list_is_marked_and_mined_for_nothing() -> None:
    doc = _document([
        ("Results", "status", BODY[:3]),
        # The reference list follows the last section without a heading of its own.
        ("Discussion", "conclusion", [BODY[5], CITATIONS[0], CITATIONS[2], CITATIONS[4]]),
        ("Literatur", "other", CITATIONS[5:9]),
    ])
    changed = mark_reference_runs(doc)
    assert changed == 7
    assert [p.role for p in doc.passages[:4]] == ["status", "status", "status", "conclusion"]
    assert all(p.role == "references" and p.role_evidence == EVIDENCE for p in doc.passages[4:])
    # A section turns only when all of its passages are references.
    assert [s.role for s in doc.sections] == ["status", "conclusion", "references"]
    assert doc.sections[2].role_evidence == EVIDENCE

    from policy_nlp.config import load_pipeline
    from policy_nlp.indicators.stage import _passages, mine

    assert [p.text for p in _passages(doc)] == BODY[:3] + [BODY[5]]
    mine([doc], load_pipeline())
    sentences = {i.sentence for i in doc.indicators}
    assert doc.indicators and not any(is_citation_like(s) for s in sentences)
    assert not any(i.raw_text.startswith(("18", "125", "10.1055")) for i in doc.indicators)


def test_a_lone_citation_inside_the_text_stays() -> None:
    doc = _document([("Background", "status", [BODY[0], CITATIONS[2], BODY[1], BODY[2]])])
    assert mark_reference_runs(doc) == 0
    assert doc.passages[1].role == "status"


def test_a_last_passage_that_is_a_citation_is_a_reference() -> None:
    doc = _document([("Background", "status", [BODY[0], BODY[1], CITATIONS[0]])])
    assert mark_reference_runs(doc) == 1
    assert doc.passages[2].role == "references" and doc.sections[0].role == "status"
