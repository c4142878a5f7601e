# The README's commands. `make demo` and `make test` each do all set-up on a fresh clone.
# TORCH is installed first so pip never pulls a CUDA build by accident; a GPU user picks their own,
# e.g. `make demo TORCH="torch==2.6.0 --index-url https://download.pytorch.org/whl/cu124"`.
PYTHON ?= python3
TORCH ?= torch==2.13.0
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed
PYTEST_ARGS ?= -q -ra -n 2 --durations=20
CONFIG ?= configs/demo_cpu.yaml

.PHONY: install demo test test-fast test-browser bench sync readme export clean-nbs clean help

help:
	@echo "make demo   - create $(VENV), install, run the whole pipeline on data/sample"
	@echo "make test   - create $(VENV), install, run the whole test suite"
	@echo "make bench  - run every script in benchmarks/ and print their tables"
	@echo "make sync   - nbdev_export + nbdev_clean + render README.md from nbs/index.ipynb"
	@echo "make test-browser - JupyterLab + headless Chromium check (not in the default suite)"

$(STAMP): settings.ini setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip
	$(PIP) install $(TORCH)
	$(PIP) install -e ".[dev]"
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (grok_finetune)"
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(VENV)/bin/grok-finetune demo --config $(CONFIG)

test: install
	OMP_NUM_THREADS=$${OMP_NUM_THREADS:-1} $(PY) -m pytest tests $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; rc=0; fi; exit $$rc

test-browser: install
	test -x /usr/bin/chromium || (apt-get update && apt-get install -y chromium)
	$(PIP) install playwright
	$(PY) tests/browser_check.py

bench: install
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

export: install
	$(VENV)/bin/nbdev_export

clean-nbs: install
	$(VENV)/bin/nbdev_clean

readme: install
	$(VENV)/bin/jupyter nbconvert --to markdown --stdout nbs/index.ipynb --log-level ERROR > README.md.tmp && mv README.md.tmp README.md

sync: export clean-nbs readme

clean:
	rm -rf $(VENV) build dist *.egg-info nbs/_cache runs
