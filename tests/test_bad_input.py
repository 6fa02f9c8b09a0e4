"""Every kind of bad input: one clear line naming the file and the reason, the batch goes on, exit 1."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import make_pdf, run_cli

from policy_nlp.store import open_store


def _bad_files(folder: Path, good_pdf: Path) -> dict[str, tuple[Path, str]]:
    """name -> (path, words the error line must contain)."""
    folder.mkdir(exist_ok=True)
    text = folder / "notes.pdf"
    text.write_text("This is plain text with a .pdf name.\n")
    empty = folder / "empty.pdf"
    empty.write_bytes(b"")
    truncated = folder / "truncated.pdf"
    truncated.write_bytes(good_pdf.read_bytes()[:700])
    corrupt = folder / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 20)
    encrypted = folder / "encrypted.pdf"
    _encrypted_pdf(encrypted)
    image_only = folder / "scan.pdf"
    _image_only_pdf(image_only)
    return {
        "non-pdf": (text, "not a PDF"),
        "empty": (empty, "empty file"),
        "truncated": (truncated, "PDF"),
        "corrupt": (corrupt, "PDF"),
        "encrypted": (encrypted, "encrypted"),
        "image-only": (image_only, "no text layer"),
    }


def _encrypted_pdf(path: Path) -> None:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("user-secret", ownerPassword="owner-secret"))
    c.drawString(72, 700, "Confidential numbers: 42 per cent.")
    c.save()


def _image_only_pdf(path: Path) -> None:
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("L", (400, 200), 255)
    ImageDraw.Draw(image).rectangle([20, 20, 380, 60], fill=0)  # a "scanned" text line
    c = canvas.Canvas(str(path))
    c.drawImage(ImageReader(image), 72, 500, width=400, height=200)
    c.save()


@pytest.mark.parametrize("kind", ["non-pdf", "empty", "truncated", "corrupt", "encrypted", "image-only"])
def test_each_bad_file_gets_one_line_and_the_batch_goes_on(kind, tmp_path, small_pdfs, db):
    bad_path, words = _bad_files(tmp_path / "bad", small_pdfs[0])[kind]
    result = run_cli("ingest", str(bad_path), str(small_pdfs[1]), "--db", str(db))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    error_lines = [line for line in result.stderr.splitlines() if str(bad_path) in line]
    assert len(error_lines) == 1, result.stderr
    assert words.lower() in error_lines[0].lower()
    with open_store(db) as store:
        assert [d.name for d in store.documents()] == [small_pdfs[1].name]


def test_missing_path_and_empty_folder(tmp_path, small_pdfs, db):
    empty_folder = tmp_path / "nothing_here"
    empty_folder.mkdir()
    missing = tmp_path / "missing.pdf"
    result = run_cli("ingest", str(missing), str(empty_folder), str(small_pdfs[0]), "--db", str(db))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert any(str(missing) in line and "no such file" in line for line in result.stderr.splitlines())
    assert any(str(empty_folder) in line and "no PDF" in line for line in result.stderr.splitlines())
    with open_store(db) as store:
        assert len(store.documents()) == 1


def test_failures_leave_stored_documents_untouched(tmp_path, small_pdfs, db):
    assert run_cli("ingest", *map(str, small_pdfs), "--db", str(db)).returncode == 0
    with open_store(db) as store:
        before = {d.name: (d.id, d.sha256, d.n_blocks, d.ingested_at) for d in store.documents()}
        text_before = store.load("alpha").text
    # The same file name, now broken, plus a truncated copy of another.
    broken_dir = tmp_path / "again"
    broken_dir.mkdir()
    (broken_dir / "alpha.pdf").write_bytes(b"garbage")
    shutil.copy(small_pdfs[1], broken_dir / "beta_truncated.pdf")
    (broken_dir / "beta_truncated.pdf").write_bytes((broken_dir / "beta_truncated.pdf").read_bytes()[:500])
    result = run_cli("ingest", str(broken_dir), "--db", str(db), "--force")
    assert result.returncode == 1
    assert len([l for l in result.stderr.splitlines() if "FAILED" in l]) == 2
    with open_store(db) as store:
        after = {d.name: (d.id, d.sha256, d.n_blocks, d.ingested_at) for d in store.documents()}
        assert after == before
        assert store.load("alpha").text == text_before


def test_not_a_database(tmp_path, small_pdfs):
    fake = tmp_path / "fake.db"
    fake.write_text("hello")
    result = run_cli("ingest", str(small_pdfs[0]), "--db", str(fake))
    assert result.returncode == 1
    assert "not a SQLite database" in result.stderr and "Traceback" not in result.stderr
    assert fake.read_text() == "hello"


def test_bad_files_in_worker_processes_fail_alone(tmp_path, small_pdfs, db):
    """With --workers 2 every bad file is reported with its own reason and the good ones are stored:
    a failure crosses back from the worker process intact instead of breaking the pool."""
    bad = _bad_files(tmp_path / "bad", small_pdfs[0])
    paths = [str(path) for path, _ in bad.values()]
    result = run_cli("ingest", *paths, *map(str, small_pdfs), "--db", str(db), "--workers", "2")
    assert result.returncode == 1
    assert "BrokenProcessPool" not in result.stderr and "worker failed" not in result.stderr, result.stderr
    for path, words in bad.values():
        lines = [line for line in result.stderr.splitlines() if str(path) in line]
        assert len(lines) == 1 and words.lower() in lines[0].lower(), (path, result.stderr)
    with open_store(db) as store:
        assert sorted(d.name for d in store.documents()) == ["alpha.pdf", "beta.pdf"]


def test_input_error_survives_pickling():
    import pickle

    from policy_nlp.errors import InputError

    error = pickle.loads(pickle.dumps(InputError("a.pdf", "not a PDF")))
    assert (error.path, error.reason, str(error)) == ("a.pdf", "not a PDF", "a.pdf: not a PDF")
