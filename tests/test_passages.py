"""Passages under MIN_PASSAGE_CHARS join a neighbour inside their section (a section of one fragment: see
segment/sections.py `_join_short_sections`)."""

from __future__ import annotations

from policy_nlp.model import Block, Document, Heading, Line, Page
from policy_nlp.segment.sections import MIN_PASSAGE_CHARS, build_passages, build_sections, join_short

LONG_A = "Installed rooftop capacity grew to 120 megawatts across the county in 2023."
LONG_B = "Grid reinforcement lags behind, so curtailment reached eight percent last winter."
LONG_C = "The county should fund storage pilots at the three largest substations by 2026."


def _block(text: str, page: int, kind: str = "text") -> Block:
    return Block(lines=[Line(text=text, page=page, bbox=(50.0, 100.0, 500.0, 112.0))], page=page, kind=kind, text=text)


def _document(pages: list[list[Block]], outline: list[Heading]) -> Document:
    doc = Document(path="constructed.pdf", sha256="0" * 64,
                   pages=[Page(number=n, width=595.0, height=842.0, blocks=blocks) for n, blocks in enumerate(pages, 1)])
    doc.outline = outline
    doc.sections = build_sections(doc)
    return doc


def test_short_fragment_joins_the_following_passage_and_keeps_its_own_page():
    doc = _document(
        [[_block("1 Results", 1, "heading"), _block(LONG_A, 1), _block("\u2212 1", 1)],
         [_block(LONG_B, 2), _block("2 Options", 2, "heading"), _block(LONG_C, 2)]],
        [Heading("Results", 1, 1, number="1", block=0), Heading("Options", 1, 2, number="2", block=4)],
    )
    passages = build_passages(doc)
    assert [(p.text, p.page, p.section_index) for p in passages] == [
        (LONG_A, 1, 0),
        (f"\u2212 1\n{LONG_B}", 1, 0),  # the fragment printed on page 1 opens the joined passage
        (LONG_C, 2, 1),  # never across the section boundary
    ]
    assert [p.seq for p in passages] == [0, 1, 2]


def test_trailing_fragment_joins_the_preceding_passage():
    doc = _document(
        [[_block("Findings", 1, "heading"), _block(LONG_A, 1), _block("Figure 3", 1)],
         [_block("Options", 2, "heading"), _block(LONG_C, 2)]],
        [Heading("Findings", 1, 1, block=0), Heading("Options", 1, 2, block=3)],
    )
    passages = build_passages(doc)
    assert [(p.text, p.page, p.section) for p in passages] == [(f"{LONG_A}\nFigure 3", 1, "Findings"), (LONG_C, 2, "Options")]


def test_section_of_one_fragment_joins_the_next_section_under_its_heading_only_when_roles_agree():
    def build(role: str):
        doc = _document(
            [[_block("Summary", 1, "heading"), _block("See Table 2.", 1), _block("Options", 1, "heading"), _block(LONG_C, 1)]],
            [Heading("Summary", 1, 1, block=0), Heading("Options", 1, 1, block=2)],
        )
        doc.sections[0].role, doc.sections[1].role = role, "recommendation"
        return build_passages(doc)

    # same role: the fragment goes with the next passage, its heading saying where it came from
    assert [(p.text, p.section) for p in build("recommendation")] == [(f"Summary\nSee Table 2.\n{LONG_C}", "Options")]
    # another role: never passed off under it; the fragment stays alone, under its heading
    assert [(p.text, p.section) for p in build("status")] == [("Summary\nSee Table 2.", "Summary"), (LONG_C, "Options")]


def test_consecutive_fragments_gather_until_long_enough():
    pieces = [("Table 4", 3), ("Wind", 3), ("Solar", 4), (LONG_A, 4), ("Source: county data office 2023", 5)]
    assert join_short(pieces) == [(f"Table 4\nWind\nSolar\n{LONG_A}\nSource: county data office 2023", 3)]
    # fragments that add up to enough text stand on their own
    halves = [("x" * 25, 1), ("y" * 25, 2), (LONG_B, 2)]
    assert join_short(halves) == [("x" * 25 + "\n" + "y" * 25, 1), (LONG_B, 2)]
    assert all(len(text) >= MIN_PASSAGE_CHARS for text, _ in join_short(pieces + halves))


def test_long_passages_are_left_alone():
    pieces = [(LONG_A, 1), (LONG_B, 1), (LONG_C, 2)]
    assert join_short(pieces) == pieces


def test_joined_figures_stay_a_sentence_of_their_own_for_the_indicator_miner():
    from policy_nlp.indicators.sentences import may_hold_indicator, split_sentences

    ticks = "0 10 20 30 40 50 60"
    (text, page), = join_short([(ticks, 7), (LONG_B, 7)])
    sentences = [text[a:b] for a, b in split_sentences(text)]
    assert page == 7 and sentences[0] == ticks and not may_hold_indicator(sentences[0])
    assert LONG_B in sentences
