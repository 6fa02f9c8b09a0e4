"""benchmarks/layouts.py: the generator is deterministic and its truth is what the PDF shows.

No assertions on policy_nlp's scores: those are the benchmark's output, not a test.
"""

from __future__ import annotations

import importlib.util
import io
import re
from pathlib import Path

import pdfplumber
import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def layouts():
    spec = importlib.util.spec_from_file_location("layouts_benchmark", REPO / "benchmarks" / "layouts.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


@pytest.mark.parametrize("seed", [1001, 1002])
def test_rendering_is_deterministic_and_truth_is_in_the_pdf(layouts, seed):
    pdf_a, truth_a = layouts.render(seed)
    pdf_b, truth_b = layouts.render(seed)
    assert pdf_a == pdf_b
    assert truth_a == truth_b
    assert truth_a["seed"] == seed and truth_a["headings"]
    assert 1 <= truth_a["layout"]["columns"] <= 3
    layout = truth_a["layout"]
    with pdfplumber.open(io.BytesIO(pdf_a)) as pdf:
        assert len(pdf.pages) == truth_a["pages"]
        full = _squash("".join(page.extract_text() or "" for page in pdf.pages))
        # column by column, so that a heading wrapped inside one column reads as one string
        m, gutter, ncol = layout["margin"], layout["gutter"], layout["columns"]
        parts = []
        for page in pdf.pages:
            col_w = (page.width - 2 * m - (ncol - 1) * gutter) / ncol
            for c in range(ncol):
                x0 = m + c * (col_w + gutter)
                parts.append(page.crop((x0 - 1, 0, x0 + col_w + 1, page.height)).extract_text() or "")
        text = _squash("".join(parts))
    assert _squash(truth_a["title"]) in full
    for heading in truth_a["headings"]:
        assert heading["role"] in {"abstract", "introduction", "status", "dilemma", "recommendation", "conclusion", "references"}
        assert heading["level"] in (1, 2)
        assert 1 <= heading["wrap_lines"] <= 4
        assert _squash(heading["number"] + heading["text"]) in text, heading


def test_different_seeds_give_different_layouts(layouts):
    assert layouts.render(1001)[1]["layout"] != layouts.render(1002)[1]["layout"]


def test_norm_strips_numbers(layouts):
    assert layouts.norm("2.1  Current  situation.") == "current situation"
    assert layouts.norm("(a) Policy priorities:") == "policy priorities"
    assert layouts.norm("IV. Main challenges") == "main challenges"
    assert layouts.norm("B. Risks to the outlook") == "risks to the outlook"
