# The README's commands. `make demo` and `make test` each do all set-up on a fresh clone.
# They install the stack the suite last passed with: every package pinned in $(LOCK) (constraints.txt), and torch
# from $(TORCH), which the lock's torch line equals (tests/test_project.py checks). A GPU user picks their own
# torch build, e.g. `make demo TORCH="torch==2.6.0 --index-url https://download.pytorch.org/whl/cu124"`; the rest
# of the lock still applies. `make test-latest` tries the newest releases on purpose, `make lock` adopts them.
PYTHON ?= python3
TORCH ?= torch==2.13.0
VENV ?= .venv
LOCK ?= constraints.txt
LATEST_VENV ?= .venv-latest
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed
PYTEST_ARGS ?= -q -ra -n 2 --durations=20
CONFIG ?= configs/demo_cpu.yaml
# torch comes from $(TORCH), so the constraints pip reads are the lock without its torch line
PIP_CONSTRAINTS := $(if $(LOCK),-c $(VENV)/constraints-no-torch.txt)

.PHONY: install demo test test-latest lock doctor test-fast test-browser bench sync readme export clean-nbs clean help

help:
	@echo "make demo        - create $(VENV), install the locked stack, run the whole pipeline on data/sample"
	@echo "make test        - create $(VENV), install the locked stack, run the whole test suite"
	@echo "make test-latest - the same suite on the newest releases, in a fresh $(LATEST_VENV) (no lock)"
	@echo "make lock        - make test-latest, then write what it installed to $(LOCK)"
	@echo "make doctor      - installed versions next to the locked ones"
	@echo "make bench       - run every script in benchmarks/ and print their tables"
	@echo "make sync        - nbdev_export + nbdev_clean + render README.md from nbs/index.ipynb"
	@echo "make test-browser - JupyterLab + headless Chromium check (not in the default suite)"

$(STAMP): settings.ini setup.py $(LOCK)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(if $(LOCK),grep -v '^torch==' $(LOCK) > $(VENV)/constraints-no-torch.txt)
	$(PIP) install --upgrade pip setuptools wheel $(PIP_CONSTRAINTS)
	$(PIP) install $(TORCH) $(PIP_CONSTRAINTS)
	$(PIP) install -e ".[dev]" $(PIP_CONSTRAINTS)
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (grok_finetune)"
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(VENV)/bin/grok-finetune demo --config $(CONFIG)

test: install
	GROK_FINETUNE_LOCK=$(LOCK) OMP_NUM_THREADS=$${OMP_NUM_THREADS:-1} $(PY) -m pytest tests $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; rc=0; fi; exit $$rc

doctor: install
	$(VENV)/bin/grok-finetune doctor

# The newest releases that settings.ini allows, in a venv of their own, so drift is found before a learner finds it.
test-latest:
	rm -rf $(LATEST_VENV)
	$(MAKE) install VENV=$(LATEST_VENV) LOCK=
	$(LATEST_VENV)/bin/grok-finetune doctor --lock $(LOCK)
	$(MAKE) test VENV=$(LATEST_VENV) LOCK=

# Adopt what test-latest installed and passed with: constraints.txt and environment.yml's pins.
lock: test-latest
	$(LATEST_VENV)/bin/python .ci/lock.py --lock $(LOCK) --env environment.yml

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
	rm -rf $(VENV) $(LATEST_VENV) build dist *.egg-info nbs/_cache runs
