"""Sections, heading levels, roles and passages on the sample corpus (ground truth in corpora/truth)."""

from __future__ import annotations

import json
import re

import pytest

from conftest import CORPUS, run_cli, truth

from policy_nlp.config import load_pipeline
from policy_nlp.pipeline import process_file
from policy_nlp.segment.stage import role_classifier
from policy_nlp.segment.roles import CONTENT_ROLES

STEMS = ["smart_manufacturing_lanshan", "rural_clean_energy_hexi", "elderly_care_services_report"]
_NUMBER = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[IVX]+\.|[A-H]\.)\s+")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", _NUMBER.sub("", text)).strip().rstrip(".:").lower()


@pytest.fixture(scope="module")
def docs():
    pipeline = load_pipeline()
    return {stem: process_file(CORPUS / f"{stem}.pdf", pipeline) for stem in STEMS}


@pytest.mark.parametrize("stem", STEMS)
def test_headings_levels_and_roles_match_truth(stem, docs):
    doc = docs[stem]
    got = [(_norm(s.heading), s.level, s.role) for s in doc.sections if s.level > 0]
    want = [(_norm(h["text"]), h["level"], h["role"]) for h in truth(stem)["headings"]]
    found = [g for g in got if g[0] in {w[0] for w in want}]
    precision, recall = len(found) / len(got), len(found) / len(want)
    assert 2 * precision * recall / (precision + recall) >= 0.95, (got, want)
    by_text = {w[0]: w for w in want}
    matched = [(g, by_text[g[0]]) for g in found]
    assert sum(g[1] == w[1] for g, w in matched) / len(matched) >= 0.95  # levels
    assert sum(g[2] == w[2] for g, w in matched) / len(matched) >= 0.95  # roles


def test_title_is_not_a_heading_and_wrapped_title_is_whole(docs):
    doc = docs["rural_clean_energy_hexi"]
    assert doc.title == truth("rural_clean_energy_hexi")["title"]
    assert all(_norm(doc.title) != _norm(s.heading) for s in doc.sections)


def test_section_tree_paths_pages_and_evidence(docs):
    doc = docs["smart_manufacturing_lanshan"]
    by_number = {s.number: s for s in doc.sections if s.number}
    assert by_number["2.1"].path == "2 / 2.1" and by_number["2.1"].level == 2
    assert by_number["2.1"].role == "status" and by_number["2.1"].role_evidence.startswith("parent")
    assert by_number["3"].role_evidence.startswith("heading")
    for s in doc.sections:
        assert 1 <= s.page_start <= s.page_end <= doc.n_pages
        assert 0.0 < s.role_confidence <= 1.0 and s.role_evidence
    assert [s.heading for s in doc.sections if s.level == 1][-1] == "References"


def test_passages_stay_inside_one_section(docs):
    for doc in docs.values():
        for p in doc.passages:
            section = doc.sections[p.section_index]
            if p.kind == "table":  # a table row: its table sits in the section, its text is the grid's
                assert p.section.startswith(section.path) and p.section.endswith("]")
                continue
            assert p.section == section.path
            assert p.text in section.text.replace("\n", " ") or all(
                part in section.text for part in p.text.split(". ")[:1]
            )
            assert section.page_start <= p.page <= section.page_end


def test_however_paragraph_in_status_section_is_a_dilemma_passage(docs):
    flagged = [
        p for doc in docs.values() for p in doc.passages
        if p.text.startswith("However,") and doc.sections[p.section_index].role == "status"
    ]
    assert flagged, "the corpus has 'However, ...' paragraphs inside status sections"
    assert all(p.role == "dilemma" and "overrides" in p.role_evidence for p in flagged)


def test_headless_text_is_labelled_by_content(docs):
    """Headings removed: passages classified in reading order; macro-F1 over the three roles."""
    classifier = role_classifier(load_pipeline())
    predicted, gold = [], []
    for doc in docs.values():
        passages = [p for p in doc.passages if doc.sections[p.section_index].level > 0]
        labels = classifier.classify([p.text for p in passages], in_order=True)
        for p, (role, _) in zip(passages, labels):
            if doc.sections[p.section_index].role in CONTENT_ROLES:
                predicted.append(role)
                gold.append(doc.sections[p.section_index].role)
    f1s = []
    for role in CONTENT_ROLES:
        tp = sum(p == g == role for p, g in zip(predicted, gold))
        fp = sum(p == role != g for p, g in zip(predicted, gold))
        fn = sum(g == role != p for p, g in zip(predicted, gold))
        f1s.append(2 * tp / (2 * tp + fp + fn))
    assert len(gold) >= 50
    assert sum(f1s) / 3 >= 0.85, f1s


def test_show_sections_and_export(tmp_path):
    db = tmp_path / "s.db"
    assert run_cli("ingest", str(CORPUS), "--db", str(db), "--workers", "2").returncode == 0
    shown = run_cli("show", "rural_clean_energy_hexi", "--sections", "--db", str(db))
    assert shown.returncode == 0 and "POLICY OPTIONS" in shown.stdout and "recommendation" in shown.stdout
    data = json.loads(run_cli("show", "rural_clean_energy_hexi", "--sections", "--json", "--db", str(db)).stdout)
    assert [s["role"] for s in data["sections"] if s["heading"] == "Grid reinforcement"] == ["status"]

    import pandas as pd

    out = tmp_path / "sections.csv"
    result = run_cli("export", "sections", "-o", str(out), "--db", str(db))
    assert result.returncode == 0, result.stderr
    frame = pd.read_csv(out)
    assert list(frame.columns[:9]) == ["document", "path", "heading", "level", "role", "role_confidence", "role_evidence", "page_start", "page_end"]
    every = sorted(p.stem for p in CORPUS.glob("*.pdf"))
    assert len(frame) == sum(len(truth(s)["headings"]) + 1 for s in every)  # + front matter per document
    assert set(frame["document"]) == set(every)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel opens UTF-8 correctly

    rec = tmp_path / "rec.jsonl"
    assert run_cli("export", "sections", "-o", str(rec), "--role", "recommendation", "--db", str(db)).returncode == 0
    rows = [json.loads(line) for line in rec.read_text().splitlines()]
    assert rows and {r["role"] for r in rows} == {"recommendation"}


@pytest.mark.parametrize(("line", "number", "text"), [
    ("一、发展现状", "一", "发展现状"),
    ("（二）主要困境", "（二）", "主要困境"),
    ("第三章 对策建议", "第三章", "对策建议"),
    ("(II) Main dilemmas", "(II)", "Main dilemmas"),
    ("(b) Talent shortage", "(b)", "Talent shortage"),
    ("2.1 Strong support", "2.1", "Strong support"),
    ("IV. Recommendations", "IV", "Recommendations"),
    ("Shandong has 16 cities", "", "Shandong has 16 cities"),
])
def test_section_numbering_styles(line, number, text):
    from policy_nlp.segment.numbering import split_number as _numbering

    assert _numbering(line) == (number, text)


def test_numbering_styles_nest_in_order_of_appearance():
    from policy_nlp.segment.numbering import numbered_levels as _numbered_levels

    # A translated Chinese policy paper: "I." > "(I)" > "1."
    assert _numbered_levels(["I", "(I)", "1", "2", "(II)", "II", "(I)", "1"]) == [1, 2, 3, 3, 2, 1, 2, 3]
    # A proceedings paper: decimals nest by their dots, "(1)" goes below the subsection it is in
    assert _numbered_levels(["1", "2", "2.1", "(1)", "(2)", "3", "3.1.1"]) == [1, 1, 2, 3, 3, 1, 3]
    # Chinese numbering: "一、" > "（一）"
    assert _numbered_levels(["一", "（一）", "（二）", "二", "（一）"]) == [1, 2, 2, 1, 2]


@pytest.mark.parametrize(("heading", "role"), [
    ("一、山东制造业智能化发展现状", "status"),
    ("（二）主要困境", "dilemma"),
    ("三、对策建议", "recommendation"),
    ("存在的问题与对策", "recommendation"),  # problems *and countermeasures*: the countermeasures win
    ("参考文献", "references"),
])
def test_chinese_headings_name_their_role(heading, role):
    from policy_nlp.config import models_dir
    from policy_nlp.segment.roles import load_lexicon

    assert load_lexicon(str(models_dir() / "role_lexicon.toml")).match(heading)[0] == role
