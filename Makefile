# The two commands of the README: `make run` and `make test`. Each installs what it needs.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
STAMP := $(VENV)/.installed

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BROWSER_PKGS := chromium chromium-driver fonts-noto-cjk

.PHONY: run test install browser bench lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/socreg up --demo --data-dir ./var

# The page tests drive Debian's Chromium (Playwright's own download does not work offline) and need a
# CJK font, or Chinese renders as boxes (browser-testing.md).
browser:
	@if ! command -v chromium >/dev/null || ! fc-list :lang=zh family 2>/dev/null | grep -q .; then \
	  $(SUDO) apt-get install -y --no-install-recommends $(BROWSER_PKGS) \
	  || { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends $(BROWSER_PKGS); }; \
	fi

test: $(STAMP) browser
	$(PY) -m pytest -q $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) -m bench

lint: $(STAMP)
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) var .pytest_cache
