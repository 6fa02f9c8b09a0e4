"""Pages whose fonts lack a Unicode map: marked unreadable, kept out of passages, reported once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from policy_nlp.errors import InputError
from policy_nlp.extract.decode import UNREADABLE_SHARE, drop_cid_tokens, glyph_counts, is_readable, page_ranges, text_glyphs
from policy_nlp.extract.pdf import extract_pdf
from policy_nlp.ingestion import ingest
from policy_nlp.store import open_store
from raw_pdf import write_objects

SHARED = Path(__file__).resolve().parents[2] / "shared"

_FONTS = {
    "plain": "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    # Identity-H with no ToUnicode: pdfminer can only say "(cid:N)".
    "cid": "<< /Type /Font /Subtype /Type0 /BaseFont /Scrambled /Encoding /Identity-H /DescendantFonts [<< /Type /Font"
           " /Subtype /CIDFontType2 /BaseFont /Scrambled /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity)"
           " /Supplement 0 >> /DW 500 >>] >>",
    # Every glyph renamed into the private-use area, as some subsetting tools leave them.
    "pua": "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Type /Encoding /Differences [33 "
           + " ".join(f"/uniE{i:03X}" for i in range(33, 127)) + "] >> >>",
}


def write_pdf(path: Path, pages: list[list[tuple[str, str]]]) -> Path:
    """A PDF written by hand: each page a list of (font, line) with font plain | cid | pua."""
    objs: list[bytes] = []

    def add(body: str | bytes) -> int:
        objs.append(body.encode("latin-1") if isinstance(body, str) else body)
        return len(objs)

    refs = {key: add(body) for key, body in _FONTS.items()}
    resources = "<< /Font << " + " ".join(f"/{key} {n} 0 R" for key, n in refs.items()) + " >> >>"
    pages_id = add("")  # filled in once the kids are known
    kids = []
    for lines in pages:
        ops = ["BT", "72 720 Td 14 TL"]
        for key, text in lines:
            if key == "cid":
                shown = "<" + "".join(f"{ord(c):04X}" for c in text) + ">"
            else:
                shown = "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"
            ops.append(f"/{key} 11 Tf {shown} '")
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1")
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(add(f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 612 792] /Contents {content} 0 R"
                        f" /Resources {resources} >>"))
    objs[pages_id - 1] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
    catalog = add(f"<< /Type /Catalog /Pages {pages_id} 0 R >>")
    return write_objects(path, objs, catalog)


READABLE = [("plain", "Water supply"), ("plain", "The county built 42 new water stations in 2021."),
            ("plain", "Coverage reached 87 percent of rural households.")]
HIDDEN = [("cid", "Secret budget of 900 million yuan"), ("cid", "was approved in 2020.")]
PRIVATE = [("pua", "Another 55 stations opened in 2019.")]
STRAY = [("plain", "Pipes were renewed over 130 km of network by 2022."), ("cid", "xy"),
         ("plain", "Leakage fell to 11 percent after the works.")]


# -- detection on page text ----------------------------------------------------------------------

def test_cid_tokens_count_as_one_glyph_each():
    assert text_glyphs("a(cid:12)b") == ["a", "(cid:12)", "b"]
    assert glyph_counts(text_glyphs("(cid:2)(cid:3) (cid:4)x")) == (3, 4)


@pytest.mark.parametrize("text, readable", [
    ("The county built 42 stations.", True),
    ("(cid:2)(cid:3)(cid:4)(cid:5) (cid:6)(cid:7)", False),
    ("\ue050\ue072\ue069 \ue076\ue061", False),
    ("\U000f0001\U00100002 text", False),  # supplementary private-use planes
    ("\ufffd\ufffd\ufffd ok", False),
    ("\uf0b7 An icon bullet before a long readable sentence of words.", True),
    ("", True),
    ("   ", True),
])
def test_page_readability(text, readable):
    assert is_readable(text_glyphs(text)) is readable


def test_threshold_is_a_share_of_non_space_glyphs():
    good = int(100 * (1 - UNREADABLE_SHARE))
    assert is_readable(["a"] * (good + 1) + ["(cid:1)"] * (99 - good))
    assert not is_readable(["a"] * (good - 1) + ["(cid:1)"] * (101 - good) + [" "] * 500)


def test_drop_cid_tokens():
    assert drop_cid_tokens("Total (cid:3) of 12 (cid:14)(cid:15) stations") == "Total of 12 stations"
    assert drop_cid_tokens("no tokens  here") == "no tokens  here"


def test_page_ranges():
    assert page_ranges([7, 2, 3, 4]) == "2-4, 7"
    assert page_ranges([3]) == "3"


# -- a PDF with undecodable pages ------------------------------------------------------------------

def test_undecodable_pages_are_marked_and_have_no_blocks(tmp_path):
    doc = extract_pdf(write_pdf(tmp_path / "mixed.pdf", [READABLE, HIDDEN, PRIVATE]))
    assert [p.readable for p in doc.pages] == [True, False, False]
    assert doc.pages[0].blocks and not doc.pages[1].blocks and not doc.pages[2].blocks
    assert "42 new water stations" in doc.text and "(cid:" not in doc.text and "\ue050" not in doc.text
    # The readable page reads as it does alone.
    alone = extract_pdf(write_pdf(tmp_path / "alone.pdf", [READABLE]))
    assert [b.text for b in alone.pages[0].blocks] == [b.text for b in doc.pages[0].blocks]


def test_a_file_with_no_decodable_page_fails_with_the_reason(tmp_path):
    with pytest.raises(InputError, match="text layer not decodable"):
        extract_pdf(write_pdf(tmp_path / "hidden.pdf", [HIDDEN, PRIVATE]))


def test_ingest_reports_the_pages_once_and_stores_no_undecodable_text(tmp_path, db):
    pdf = write_pdf(tmp_path / "mixed.pdf", [READABLE, HIDDEN, STRAY, PRIVATE])
    [result] = ingest([pdf], db)
    assert result.status == "added"
    notes = [w for w in result.warnings if "not decodable" in w]
    assert notes == ["pages 2, 4: text layer not decodable ×1"]
    assert "pages 2, 4: text layer not decodable" in result.warning_summary()
    conn = sqlite3.connect(db)
    passages = [r[0] for r in conn.execute("SELECT text FROM passages")]
    assert any("42 new water stations" in t for t in passages) and any("130 km" in t for t in passages)
    assert not [t for t in passages if "(cid:" in t or "\ue050" in t]
    # The stray glyphs on page 3 are in its stored block, only passages leave them out.
    assert conn.execute("SELECT count(*) FROM blocks WHERE page = 3 AND text LIKE '%(cid:%'").fetchone()[0]
    pages = {r[0] for r in conn.execute("SELECT DISTINCT page FROM passages")}
    assert pages <= {1, 3}
    assert not conn.execute("SELECT count(*) FROM indicators WHERE page IN (2, 4) OR raw_text LIKE '%cid%'").fetchone()[0]
    conn.close()
    with open_store(db) as store:
        doc = store.load(result.doc_id)
    assert [p.readable for p in doc.pages] == [True, False, True, False]
    assert "unreadable_pages" not in doc.metadata


@pytest.mark.skipif(not (SHARED / "realdocs").is_dir(), reason="shared real documents not present")
def test_real_documents_read_as_readable():
    # A CID font with an embedded CMap decodes; it must not be taken for an unreadable one.
    doc = extract_pdf(SHARED / "realdocs" / "embedded-cmap-cidfont.pdf")
    assert all(p.readable for p in doc.pages)
    assert "(cid:" not in doc.text
