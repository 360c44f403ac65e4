# Quick start:  make console   (chat with the bot, no tokens)   |   make test   (everything CI runs)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: console test lint typecheck pytest container bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "careerbot needs Python 3.11 or newer: set PYTHON=python3.11 (or newer)" >&2; exit 1; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || \
	  { echo "$(PYTHON) cannot create virtual environments: install python3-venv" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

console: $(STAMP)
	$(BIN)/careerbot console

test: lint typecheck pytest container

lint: $(STAMP)
	$(BIN)/ruff format --check bot tests
	$(BIN)/ruff check bot tests

typecheck: $(STAMP)
	$(BIN)/mypy

# pytest exits 5 when it collected no tests: that is a failure here, with a clear reason.
pytest: $(STAMP)
	@$(BIN)/pytest -m "not container"; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing" >&2; fi; exit $$rc

# the Docker image: build it with podman/docker, run it (skips, saying why, without an engine)
container: $(STAMP)
	bash tests/deploy/container.sh

bench: $(STAMP)
	$(BIN)/python -m tests.bench.core
	$(BIN)/python -m tests.bench.rotation # first 30 tips of new users per level: same-skill pairs (goal 0), skills, categories
	$(BIN)/python -m tests.bench.slack   # HTTP mode: careerbot / same-work bolt app (goal >= 0.9) and / bare
	$(BIN)/python -m tests.bench.discord # interactions/s: careerbot / same-work discord.py app (goal >= 0.9) and / bare
	$(BIN)/python -m tests.bench.sizing  # peak RSS of careerbot run (100k users); say tip wall time
	$(BIN)/python -m tests.bench.delivery # due among 100k subscriptions; 1,000-tip fan-out vs fakes
	$(BIN)/python -m tests.bench.ledger  # a year of 100k daily tips, both backends: size, scans, prune
	$(BIN)/python -m tests.bench.replicas # PostgreSQL replicas: failover time; 10k-tip fan-out, leader SIGKILLed halfway

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache .pytest_cache
