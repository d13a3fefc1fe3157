# The two commands of the README:
#   make run   – set up and start the registry with the seed data on http://127.0.0.1:8000
#   make test  – set up and run the whole test suite (SQLite, a throwaway PostgreSQL, headless Chromium)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint clean stress fuzz

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/registry run

# The whole suite, browser tests included; scripts/test-prerequisites first installs PostgreSQL and
# Chromium from Debian when they are missing (as root), or says the one command to run.
test: $(STAMP)
	bash scripts/test-prerequisites
	$(BIN)/pytest -n 2 --dist worksteal -m "not browser"
	$(BIN)/pytest -n 2 -m browser

# Eight writers for 30 s while a 20,000-row import runs, on SQLite and PostgreSQL (make test: 5 s, 5,000 rows).
stress: $(STAMP)
	REGISTRY_STRESS_SECONDS=30 REGISTRY_STRESS_ROWS=20000 $(BIN)/pytest tests/test_stress.py -n 0 -s

# schemathesis against the registry's own OpenAPI document with at least 200 generated requests per
# operation, as a visitor and as every role, on SQLite and PostgreSQL (`make test` runs a few per operation).
fuzz: $(STAMP)
	REGISTRY_FUZZ_EXAMPLES=200 $(BIN)/pytest tests/test_api_fuzz.py -n 2 --dist loadgroup -q

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var .pytest_cache

# Re-extract the translatable strings (babel.cfg) and update the sv, nb and en catalogs.
# New strings arrive untranslated; tests/test_i18n.py fails until sv and nb have them.
LOCALE_DIR := registry/i18n/locale
LANGUAGES := sv nb en

.PHONY: messages
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --sort-output --no-wrap --add-location=file \
	  --project="VSO registry" --add-comments=Translators: -o $(LOCALE_DIR)/messages.pot.new .
	@# Keep the old template (and its date) if nothing else changed, so a no-op refresh leaves no diff.
	if diff -q -I '^"POT-Creation-Date:' $(LOCALE_DIR)/messages.pot $(LOCALE_DIR)/messages.pot.new >/dev/null 2>&1; \
	then rm $(LOCALE_DIR)/messages.pot.new; else mv $(LOCALE_DIR)/messages.pot.new $(LOCALE_DIR)/messages.pot; fi
	for lang in $(LANGUAGES); do \
	  $(BIN)/pybabel update -i $(LOCALE_DIR)/messages.pot -d $(LOCALE_DIR) -D messages -l $$lang \
	    --init-missing --no-fuzzy-matching --ignore-obsolete --no-wrap || exit 1; \
	done

# The benchmark of issue 17 (bench/run.py): national scale, served as in production, beside the
# framework's floor. `make bench-quick` is the same at 10 000 needs (under 2 minutes).
.PHONY: bench bench-quick bench-postgres
bench: $(STAMP)
	$(BIN)/python bench/run.py

bench-quick: $(STAMP)
	$(BIN)/python bench/run.py --quick

bench-postgres: $(STAMP)
	$(BIN)/python bench/run.py --postgres
