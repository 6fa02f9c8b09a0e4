# policy_nlp — two commands on a fresh machine:
#   make demo   create .venv, install, ingest the sample corpus and show what was found
#               (outline with roles, the dilemma section's indicators, indicators CSV, a search)
#   make test   create .venv, install, run the test suite (it starts its own PostgreSQL server
#               for the PostgreSQL store's tests and a local Ray cluster for the Ray engine's;
#               no server or container is needed beforehand)
VENV   ?= .venv
PYTHON ?= python3
PY      = $(VENV)/bin/python
PIP     = $(PY) -m pip
CLI     = $(VENV)/bin/policy-nlp
DEMO_DB ?= demo.db
# The CPU build of torch; an unpinned torch would pull a multi-GB CUDA build.
TORCH  ?= torch==2.13.0

.PHONY: install demo test bench corpus clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet "$(TORCH)"
	$(PIP) install --quiet -e ".[dev,postgres,ray,web]"
	touch $@

demo: install
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(CLI) ingest corpora/ --db $(DEMO_DB) --workers 2
	$(CLI) docs --db $(DEMO_DB)
	$(CLI) show smart_manufacturing_lanshan --db $(DEMO_DB) --sections
	$(CLI) indicators smart_manufacturing_lanshan --db $(DEMO_DB) --role dilemma
	$(CLI) export indicators --db $(DEMO_DB) -o demo_indicators.csv
	$(CLI) search "shortage of skilled workers and talent" --db $(DEMO_DB) --top 5

test: install
	$(PY) -m pytest

SHARED ?= ../shared

bench: install
	$(PIP) install --quiet -e ".[bench]"
	$(PY) benchmarks/ingest.py $(SHARED)/corpus --pipeline pipelines/extract_only.toml
	$(PY) benchmarks/sections.py --shared $(SHARED)
	$(PY) benchmarks/indicators.py $(SHARED)
	$(PY) benchmarks/search.py --shared $(SHARED)
	$(PY) benchmarks/compare.py --shared $(SHARED)

# Re-render the sample PDFs and their ground truth from corpora/sources/.
corpus: install
	$(PY) corpora/build.py

clean:
	rm -rf $(VENV) build dist *.egg-info src/*.egg-info .pytest_cache $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
