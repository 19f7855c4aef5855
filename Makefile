# Two commands do all set-up on a fresh machine: `make site` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
BYTECODE := $(VENV)/.compiled

.PHONY: site serve test check golden bench fuzz clean messages

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

# Our package's compiled bytecode, as pip writes it for every installed package: each build starts a
# new interpreter, and compiling site_builder from source on each start costs about 0.15 s (the
# environment may set PYTHONDONTWRITEBYTECODE, so Python would never write it itself).
$(BYTECODE): $(STAMP) $(shell find site_builder -name '*.py' 2>/dev/null)
	$(PY) -m compileall -q site_builder
	touch $(BYTECODE)

## Build output/ from content/.
site: $(BYTECODE)
	$(PY) build.py build

## Build, serve on http://127.0.0.1:8000/ and rebuild on save.
serve: $(BYTECODE)
	$(PY) build.py serve

## Validate content/ without building.
check: $(BYTECODE)
	$(PY) build.py check

## Run the whole test suite.
test: $(BYTECODE)
	$(PY) -m pytest

## Regenerate tests/fixtures/golden, the fixture archive built without its search index (review the diff!).
golden: $(STAMP)
	$(PY) -m tests.golden regenerate

## Extract the interface strings of the templates into templates/locale/messages.pot and merge
## them into every catalog (templates/locale/<lang>/LC_MESSAGES/messages.po); then translate the
## new entries (Poedit, Weblate). A new language: pybabel init -i templates/locale/messages.pot -d templates/locale -l ar
messages: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -o templates/locale/messages.pot --no-location --sort-output \
		--project "Observatory archive" --copyright-holder "FIDH-OMCT" --omit-header .
	$(VENV)/bin/pybabel update -i templates/locale/messages.pot -d templates/locale \
		--no-fuzzy-matching --ignore-obsolete --width 100

## Print build-time figures for synthetic archives.
bench: $(BYTECODE)
	$(PY) bench/build_time.py

## Fuzz check and build for MINUTES minutes (default 10); findings are saved under /tmp/fuzz-findings.
MINUTES ?= 10
fuzz: $(STAMP)
	$(PY) bench/fuzz.py --minutes $(MINUTES)

clean:
	rm -rf output .pytest_cache
