"""Same content under another name (alias), deleting documents, and the schema 1 -> 2 upgrade."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import CORPUS, make_pdf

import policy_nlp
from policy_nlp.errors import NotFoundError
from policy_nlp.ingestion import ingest
from policy_nlp.store import SCHEMA_VERSION, open_store

# Tables with a doc_id column; each must lose every row of a deleted document.
DERIVED = ("pages", "blocks", "lines", "tables", "sections", "headings", "passages", "indicators", "document_names")


def test_renamed_file_is_an_alias_and_resolves_under_its_new_name(small_pdfs, db):
    ingest(small_pdfs, db)
    renamed = small_pdfs[0].with_name("alpha_final.pdf")
    small_pdfs[0].rename(renamed)
    result = ingest([renamed], db)[0]
    assert result.status == "alias" and not result.failed
    with open_store(db) as store:
        alpha = store.resolve("alpha")
        assert result.same_as == alpha.id == result.doc_id
        assert store.resolve("alpha_final").id == alpha.id == store.resolve("alpha_final.pdf").id
        assert store.resolve(str(renamed.resolve())).id == alpha.id
        assert store.names(alpha.id) == [str(renamed.resolve())]
        assert len(store.documents()) == 2
    assert f"same content as document {alpha.id} (alpha.pdf)" in result.summary()
    # The new name is now known: ingesting it again is "unchanged", like the original path.
    assert [r.status for r in ingest([renamed], db)] == ["unchanged"]
    assert policy_nlp.load("alpha_final", db=db).text == policy_nlp.load("alpha", db=db).text


def test_copied_file_is_an_alias_and_force_still_reprocesses(small_pdfs, db):
    ingest(small_pdfs, db)
    copy = small_pdfs[0].parent / "copy_of_alpha.pdf"
    shutil.copy(small_pdfs[0], copy)
    results = ingest([small_pdfs[0].parent], db)
    assert {r.path: r.status for r in results} == {
        str(small_pdfs[0]): "unchanged", str(small_pdfs[1]): "unchanged", str(copy): "alias"}
    forced = ingest([copy], db, force=True)[0]
    assert forced.status == "replaced"
    with open_store(db) as store:
        assert len(store.documents()) == 2
        # Both names still lead to the one document with this content.
        assert store.resolve("copy_of_alpha").id == store.resolve("alpha").id == forced.doc_id


def test_copies_in_one_batch_are_stored_once(small_pdfs, db):
    copy = small_pdfs[0].parent / "zz_copy.pdf"
    shutil.copy(small_pdfs[0], copy)
    results = ingest([small_pdfs[0].parent], db)
    assert sorted(r.status for r in results) == ["added", "added", "alias"]
    alias = next(r for r in results if r.status == "alias")
    with open_store(db) as store:
        assert len(store.documents()) == 2
        assert store.resolve("zz_copy").id == alias.same_as == store.resolve("alpha").id


def test_file_given_other_content_replaces_its_document_but_keeps_copies(small_pdfs, db):
    copy = small_pdfs[0].parent / "zz_copy.pdf"
    shutil.copy(small_pdfs[0], copy)
    ingest([small_pdfs[0].parent], db)
    make_pdf(small_pdfs[0], ["Alpha province built 9,999 new charging stations in 2024."])
    assert ingest([small_pdfs[0]], db)[0].status == "replaced"
    with open_store(db) as store:
        assert "9,999" in store.load("alpha").text
        # The copy still holds the old content, which stays stored under the copy's name.
        assert "1,200" in store.load("zz_copy").text
        assert len(store.documents()) == 3


def _counts(db, doc_id: int) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t} WHERE doc_id = ?", (doc_id,)).fetchone()[0] for t in DERIVED}
    finally:
        conn.close()


def _fts_hits(db, word: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM passages_fts WHERE passages_fts MATCH ?", (word,)).fetchone()[0]
    finally:
        conn.close()


def test_delete_removes_every_derived_row_and_keeps_the_others(tmp_path, db):
    pdfs = [shutil.copy(CORPUS / f"{stem}.pdf", tmp_path / f"{stem}.pdf")
            for stem in ("smart_manufacturing_lanshan", "smart_manufacturing_qinghe", "rural_clean_energy_hexi")]
    ingest(pdfs, db)
    shutil.copy(pdfs[0], tmp_path / "lanshan_copy.pdf")
    assert ingest([tmp_path / "lanshan_copy.pdf"], db)[0].status == "alias"
    # Sentence vectors cached by a comparison of the two documents.
    policy_nlp.compare(["smart_manufacturing_lanshan", "smart_manufacturing_qinghe"], db=db)
    with open_store(db) as store:
        lanshan, qinghe, hexi = (store.resolve(p.stem) for p in pdfs)
        before = {d.id: _counts(db, d.id) for d in (lanshan, qinghe, hexi)}
        generation = store.generation()
        cached = store.conn.execute("SELECT count(*) FROM vector_cache").fetchone()[0]
        qinghe_keep = store.cached_vectors(
            store.embed_models().popitem()[0],
            [s for p in store.load(qinghe.id).passages for s in _sentences(p.text)])
    assert cached > 0 and qinghe_keep
    assert all(before[lanshan.id][t] > 0 for t in ("pages", "blocks", "lines", "sections", "passages", "indicators", "document_names"))
    assert _fts_hits(db, "Lanshan") > 0

    removed = policy_nlp.delete(["lanshan_copy"], db=db)  # any name of the document will do
    assert [d.id for d in removed] == [lanshan.id]

    assert _counts(db, lanshan.id) == dict.fromkeys(DERIVED, 0)
    assert _counts(db, qinghe.id) == before[qinghe.id] and _counts(db, hexi.id) == before[hexi.id]
    conn = sqlite3.connect(db)
    fts_rows = {r[0] for r in conn.execute("SELECT rowid FROM passages_fts WHERE passages_fts MATCH 'Lanshan OR manufacturing'")}
    passage_ids = {r[0] for r in conn.execute("SELECT id FROM passages")}
    assert fts_rows and fts_rows <= passage_ids  # no FTS row of a deleted passage is left
    assert conn.execute("SELECT count(*) FROM passages_fts WHERE passages_fts MATCH 'Lanshan'").fetchone()[0] == \
        conn.execute("SELECT count(*) FROM passages WHERE text LIKE '%Lanshan%'").fetchone()[0]
    left = conn.execute("SELECT count(*) FROM vector_cache").fetchone()[0]
    conn.close()
    with open_store(db) as store:
        assert store.generation() > generation
        assert [d.id for d in store.documents()] == [qinghe.id, hexi.id]
        with pytest.raises(NotFoundError):
            store.resolve("lanshan_copy")
        assert store.load(qinghe.id).text == policy_nlp.load("smart_manufacturing_qinghe", db=db).text
        # Cached sentences of the remaining document stay; those only the deleted one held go.
        still = store.cached_vectors(store.embed_models().popitem()[0], list(qinghe_keep))
    assert set(still) == set(qinghe_keep)
    assert left < cached


def _sentences(text: str) -> list[str]:
    from policy_nlp.comparison.sentences import passage_sentences

    return passage_sentences(text)


def test_delete_with_an_unknown_ref_deletes_nothing(small_pdfs, db):
    ingest(small_pdfs, db)
    with open_store(db) as store:
        generation = store.generation()
        with pytest.raises(NotFoundError, match="no document 'gamma'"):
            store.delete_documents(["alpha", "gamma"])
        assert [d.name for d in store.documents()] == ["alpha.pdf", "beta.pdf"]
        assert store.generation() == generation
    assert _counts(db, 1)["blocks"] > 0


def test_schema_1_store_is_upgraded_on_open(small_pdfs, db):
    ingest(small_pdfs, db)
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE document_names")
    conn.execute("ALTER TABLE headings DROP COLUMN evidence")  # schema 3's
    conn.execute("ALTER TABLE passages DROP COLUMN kind")  # schema 4's
    conn.execute("ALTER TABLE indicators DROP COLUMN base")  # schema 6's
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with open_store(db) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 6
        assert store.resolve("beta").name == "beta.pdf"
    renamed = small_pdfs[1].with_name("beta_v2.pdf")
    small_pdfs[1].rename(renamed)
    assert ingest([renamed], db)[0].status == "alias"


def test_schema_2_store_gains_heading_evidence_on_open(db):
    paper = Path(__file__).resolve().parents[1] / "corpora" / "smart_manufacturing_lanshan.pdf"
    ingest([paper], db)
    conn = sqlite3.connect(db)
    conn.execute("ALTER TABLE headings DROP COLUMN evidence")
    conn.execute("ALTER TABLE passages DROP COLUMN kind")
    conn.execute("ALTER TABLE indicators DROP COLUMN base")
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    with open_store(db) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        outline = store.load(paper.stem).outline
        assert outline and all(h.evidence == "" for h in outline)  # stored before: unknown
    ingest([paper], db, force=True)
    with open_store(db) as store:
        outline = store.load(paper.stem).outline
        assert outline and all(h.evidence for h in outline)  # written again: recorded


def test_schema_3_store_marks_its_table_rows_on_open(db):
    paper = Path(__file__).resolve().parents[1] / "corpora" / "elderly_care_services_report.pdf"
    ingest([paper], db)
    with open_store(db) as store:
        kinds = [p.kind for p in store.load(paper.stem).passages]
    assert "table" in kinds and "text" in kinds  # the sample report prints a table
    conn = sqlite3.connect(db)
    conn.execute("ALTER TABLE passages DROP COLUMN kind")
    conn.execute("ALTER TABLE indicators DROP COLUMN base")
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    with open_store(db) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert [p.kind for p in store.load(paper.stem).passages] == kinds  # known by their "[table N]" path
