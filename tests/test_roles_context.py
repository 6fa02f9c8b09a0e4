"""Roles in context: heading words weighed with the whole heading, parent sections, the
document's kind (policy paper or not), the order of sections and back matter. Small synthetic
sections and a toy embedding, so no model is needed."""

from __future__ import annotations

import numpy as np
import pytest

from policy_nlp.model import Document, Passage, Section
from policy_nlp.segment.heading_roles import heading_role
from policy_nlp.segment.roles import (
    NO_EVIDENCE,
    ContentClassifier,
    assign_section_roles,
    classify_unlabelled,
    load_lexicon,
    reads_as_policy,
    roles_from_context,
)


@pytest.fixture(scope="module")
def lexicon():
    from policy_nlp.config import models_dir

    return load_lexicon(str(models_dir() / "role_lexicon.toml"))


@pytest.mark.parametrize(("heading", "role"), [
    ("Regulatory findings", "other"),          # the longer term holds "findings" and decides
    ("Key findings", "status"),
    ("Summary of findings", "abstract"),        # a term with "of" reaches past the head phrase
    ("Costs of compliance", "other"),
    ("For further information", "other"),
    ("Methodology and data sources", "other"),
    ("Appendix B: survey questionnaire", "other"),
    ("Definitions", "other"),
    ("Main results", "status"),
    ("Proposed measures for rural grids", "recommendation"),
    ("Risks to the outlook", "dilemma"),         # still only the head phrase for one-word terms
])
def test_heading_terms_in_context(lexicon, heading, role):
    hit = heading_role(heading, 0.5, lexicon)
    assert hit is not None and hit[0] == role


def test_highlights_open_a_document(lexicon):
    assert heading_role("Highlights", 0.05, lexicon)[0] == "abstract"


def _section(heading, level, role="other", evidence=NO_EVIDENCE, blocks=(0,)):
    return Section(heading=heading, level=level, path=heading, page_start=1, page_end=1,
                   role=role, role_confidence=0.5, role_evidence=evidence, blocks=list(blocks))


def test_subsections_of_an_other_heading_stay_other(lexicon):
    sections = [_section("Methods", 1, blocks=(0,)), _section("Sampling of villages", 2, blocks=(1,)),
                _section("Interview protocol", 2, blocks=(2,)), _section("Obstacles to adoption", 2, blocks=(3,))]
    assign_section_roles(sections, lexicon)
    assert [s.role for s in sections] == ["other", "other", "other", "dilemma"]
    assert sections[1].role_evidence.startswith("parent")


def test_unlabelled_parent_passes_nothing_on(lexicon):
    sections = [_section("Chapter one", 1, blocks=(0,)), _section("Sampling of villages", 2, blocks=(1,))]
    assign_section_roles(sections, lexicon)
    assert sections[1].role_evidence == NO_EVIDENCE


def test_runs_continue_in_a_document_that_is_not_a_policy_paper():
    sections = [
        _section("Introduction", 1, "introduction", "heading: 'Introduction'"),
        _section("Model", 1),
        _section("Training", 1),
        _section("Experiments", 1, "status", "heading: 'Experiments'"),
        _section("Sample efficiency", 1),
        _section("Robustness", 2),
        _section("Related work", 1, "other", "heading: 'related work'"),
        _section("Limitations of scope", 1),
    ]
    open_ = {1, 2, 4, 5, 7}
    roles_from_context(sections, open_)
    assert [s.role for s in sections] == [
        "introduction", "other", "other", "status", "status", "status", "other", "other"]
    assert sections[4].role_evidence.startswith("context: continues")


def test_an_administrative_sibling_does_not_end_its_parents_role():
    # A proposed rule: "Authority" sits between the amendment's parts, which still carry it on.
    sections = [
        _section("The Proposed Amendment", 1, "recommendation", "heading: 'Proposed'"),
        _section("Part 39 Airworthiness Directives", 1),
        _section("Authority", 2, "other", "heading: 'Authority'"),
        _section("Section 39.13 Amended", 2),
        _section("Flight Manual Revisions", 3),
    ]
    roles_from_context(sections, {1, 3, 4})
    assert [s.role for s in sections] == ["recommendation", "recommendation", "other", "recommendation", "recommendation"]
    assert sections[3].role_evidence == "context: continues Part 39 Airworthiness Directives"


# A toy embedding: texts with words of a role point to that role's axis.
_AXES = {"status": ("reached", "grew", "percent"), "dilemma": ("lack", "shortage", "weak"),
         "recommendation": ("should", "recommend", "promote"), "other": ("contact", "docket", "telephone", "trained", "dataset")}


def _embed(texts):
    out = np.zeros((len(texts), 5), dtype=np.float32)
    for row, text in enumerate(texts):
        words = text.lower()
        for col, role in enumerate(("status", "dilemma", "recommendation", "other")):
            out[row, col] = sum(w in words for w in _AXES[role])
        out[row, 4] = 0.1
        out[row] /= np.linalg.norm(out[row])
    return out


@pytest.fixture()
def classifier(tmp_path):
    proto = tmp_path / "protos.toml"
    proto.write_text(
        'status = ["Output reached 5 percent and grew."]\n'
        'dilemma = ["There is a lack and shortage; the grid is weak."]\n'
        'recommendation = ["We recommend the city should promote it."]\n'
        'other = ["Contact the docket office by telephone."]\n')
    return ContentClassifier(_embed, proto)


def _doc(sections, texts_by_section):
    doc = Document(path="x.pdf", sha256="0")
    doc.sections = sections
    doc.passages = [Passage(text=t, page=1, section=sections[i].path, section_index=i, role=sections[i].role,
                            role_evidence="section") for i, texts in texts_by_section for t in texts]
    return doc


def test_a_policy_paper_reads_as_one_and_keeps_content_roles(classifier):
    sections = [_section("Chapter A", 1, blocks=(0,)), _section("Chapter B", 1, blocks=(1,))]
    doc = _doc(sections, [(0, ["Output reached 9 percent.", "It grew fast."]),
                          (1, ["There is a shortage of staff.", "The grid is weak."])])
    classify_unlabelled(doc, lambda: classifier)
    assert [s.role for s in doc.sections] == ["status", "dilemma"]
    assert all(s.role_evidence == "content" for s in doc.sections)


def test_procedural_document_keeps_unlabelled_sections_other(classifier):
    sections = [_section("Agency", 1, blocks=(0,)), _section("Addresses", 1, blocks=(1,))]
    doc = _doc(sections, [(0, ["Contact the office by telephone."]), (1, ["Submit to the docket office."])])
    assert not reads_as_policy(doc, classifier, _embed([p.text for p in doc.passages]))
    classify_unlabelled(doc, lambda: classifier)
    assert [s.role for s in doc.sections] == ["other", "other"]
    assert all(p.role == "other" for p in doc.passages)


def test_a_procedural_section_in_a_policy_paper_stays_other(classifier):
    sections = [_section("Chapter A", 1, blocks=(0,)), _section("Chapter B", 1, blocks=(1,)),
                _section("Chapter C", 1, blocks=(2,))]
    doc = _doc(sections, [(0, ["Output reached 9 percent.", "It grew 3 percent."]),
                          (1, ["The city should promote reuse.", "We recommend a fund."]),
                          (2, ["Contact the docket office by telephone."])])
    classify_unlabelled(doc, lambda: classifier)
    assert [s.role for s in doc.sections] == ["status", "recommendation", "other"]
    assert "reads as" in doc.sections[2].role_evidence


def test_sections_after_the_references_are_back_matter(classifier):
    sections = [_section("Chapter A", 1, blocks=(0,)), _section("References", 1, "references", "heading: 'References'", (1,)),
                _section("Survey details", 1, blocks=(2,))]
    doc = _doc(sections, [(0, ["Output reached 9 percent."]), (2, ["Output grew 4 percent."])])
    classify_unlabelled(doc, lambda: classifier)
    assert doc.sections[0].role == "status"
    assert doc.sections[2].role == "other" and "references" in doc.sections[2].role_evidence


def test_headings_naming_two_content_roles_mark_a_policy_paper(classifier):
    sections = [_section("Current situation", 1, "status", "heading: 'situation'"),
                _section("Main problems", 1, "dilemma", "heading: 'problems'"), _section("Chapter C", 1)]
    doc = _doc(sections, [(2, ["Contact by telephone."])])
    assert reads_as_policy(doc, classifier, _embed(["Contact by telephone."]))


def test_main_body_after_the_references_is_not_back_matter(classifier):
    # Two columns read in the wrong order put the bibliography before the suggestions.
    sections = [_section("References", 1, "references", "heading: 'References'", (0,)),
                _section("Suggestions", 1, "recommendation", "heading: 'Suggestions'", (1,)),
                _section("Chapter C", 1, blocks=(2,))]
    doc = _doc(sections, [(2, ["The city should promote reuse.", "We recommend a fund."])])
    classify_unlabelled(doc, lambda: classifier)
    assert doc.sections[2].role == "recommendation"
