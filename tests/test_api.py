"""The Python API holds: every public name of `policy_nlp` is the same callable on every access,
in any import order, after any subpackage has been imported; the README's Python block runs."""

from __future__ import annotations

import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, make_pdf

import policy_nlp

FUNCTIONS = ("ingest", "extract_pdf", "extract_indicators", "load", "documents", "delete", "open_store", "search",
             "compare", "similar")


def _import_every_module() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(policy_nlp.__path__, prefix="policy_nlp."):
        if info.name.endswith("__main__"):
            continue  # runs the CLI
        importlib.import_module(info.name)
        names.append(info.name)
    return names


def test_no_module_or_package_shares_a_public_name():
    children = {info.name for info in pkgutil.iter_modules(policy_nlp.__path__)}
    assert not children & set(policy_nlp.__all__), children & set(policy_nlp.__all__)


def test_public_names_survive_importing_every_module():
    before = {name: getattr(policy_nlp, name) for name in policy_nlp.__all__}
    modules = _import_every_module()
    assert "policy_nlp.retrieval.engine" in modules and "policy_nlp.cli.search" in modules
    for name in policy_nlp.__all__:
        value = getattr(policy_nlp, name)
        assert value is before[name], name
        assert callable(value), name
        assert getattr(policy_nlp, name) is value
    for name in FUNCTIONS:
        assert not isinstance(getattr(policy_nlp, name), type(sys)), f"policy_nlp.{name} is a module"


@pytest.mark.parametrize("first", ["policy_nlp.retrieval", "policy_nlp.comparison", "policy_nlp.ingestion", "policy_nlp.cli.app"])
def test_public_names_hold_in_any_import_order(first):
    """A fresh interpreter that imports a subpackage before touching the public names."""
    code = (
        f"import importlib, types; importlib.import_module({first!r})\n"
        "import policy_nlp\n"
        f"bad = [n for n in {FUNCTIONS!r} if isinstance(getattr(policy_nlp, n), types.ModuleType) or not callable(getattr(policy_nlp, n))]\n"
        "print('BAD', bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert "BAD []" in out.stdout, out.stderr


def test_each_public_function_called_twice(tmp_path):
    _import_every_module()
    folder = tmp_path / "pdfs"
    folder.mkdir()
    pdfs = [
        make_pdf(folder / "alpha.pdf", ["Alpha province built 1,200 new charging stations in 2023.",
                                        "Problems remain: rural grids lack skilled workers."]),
        make_pdf(folder / "beta.pdf", ["Beta city trained 4,500 care workers in 2022.",
                                       "We recommend a wage subsidy for care workers."], title="Beta report"),
        make_pdf(folder / "gamma.pdf", ["Gamma county opened 12 clinics."], title="Gamma note"),
    ]
    db = tmp_path / "api.db"
    first = policy_nlp.ingest(pdfs, db=db)
    second = policy_nlp.ingest(pdfs, db=db)
    assert [r.status for r in first] == ["added"] * 3 and [r.status for r in second] == ["unchanged"] * 3
    for _ in range(2):
        assert [d.stem for d in policy_nlp.documents(db=db)] == ["alpha", "beta", "gamma"]
        assert policy_nlp.load("beta", db=db).title == "Beta report"
        assert "charging stations" in policy_nlp.extract_pdf(pdfs[0]).text
        assert [i.value for i in policy_nlp.extract_indicators("A total of 162000 5G base stations were built.")] == [162000]
        with policy_nlp.open_store(db, create=False) as store:
            assert len(store.documents()) == 3
        hits = policy_nlp.search("shortage of skilled workers", db=db, top=3)
        assert hits and hits[0].document == "alpha"
        assert policy_nlp.compare(["alpha", "beta"], db=db).documents == ["alpha", "beta"]
        assert policy_nlp.similar("alpha", db=db)
    assert [d.stem for d in policy_nlp.delete(["gamma"], db=db)] == ["gamma"]
    assert [d.stem for d in policy_nlp.delete(["beta"], db=db)] == ["beta"]
    assert [d.stem for d in policy_nlp.documents(db=db)] == ["alpha"]


def _readme_python_block() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "README has no Python block"
    return blocks[0]


def test_readme_python_block_runs_with_a_loop_of_searches(tmp_path):
    """The README's example as a user would paste it (paths relative to the repository), then the
    same searches in a loop: the second call used to fail when a subpackage shadowed the function."""
    pdf = make_pdf(tmp_path / "paper.pdf", ["Shandong built 162,000 5G base stations by 2022."], title="Paper")
    code = _readme_python_block().replace('"paper.pdf"', repr(str(pdf))).replace('"policy.db"', repr(str(tmp_path / "policy.db")))
    code += (
        "\nfor _ in range(5):\n"
        f"    hits = policy_nlp.search('talent shortage', role='dilemma', top=3, db={str(tmp_path / 'policy.db')!r})\n"
        "    assert hits\n"
        "print('README OK')\n"
    )
    script = tmp_path / "readme_example.py"
    script.write_text(code, encoding="utf-8")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=REPO, timeout=600)
    assert "README OK" in out.stdout, out.stderr[-3000:]


def test_api_checks_option_values_like_the_cli(tmp_path):
    from policy_nlp.vocabulary import ChoiceError

    pdf = make_pdf(tmp_path / "alpha.pdf", ["Alpha province built 1,200 new charging stations in 2023."])
    db = tmp_path / "api.db"
    policy_nlp.ingest([pdf], db=db, pipeline=REPO / "pipelines/extract_only.toml")
    with pytest.raises(ChoiceError, match="unknown role 'Recommendations'; known: abstract"):
        policy_nlp.search("stations", role="Recommendations", db=db)
    with pytest.raises(ChoiceError, match="unknown mode 'fuzzy'"):
        policy_nlp.search("stations", mode="fuzzy", db=db)
    with pytest.raises(ChoiceError, match="unknown role 'recs'"):
        policy_nlp.compare(["alpha", "alpha"], role="recs", db=db)
    with policy_nlp.open_store(db, create=False) as store:
        with pytest.raises(ChoiceError, match="unknown kind 'percentage'.*did you mean 'percent'"):
            list(store.indicators(kind="percentage"))
        with pytest.raises(ChoiceError, match="unknown role 'Status'"):
            list(store.sections(role="Status"))
