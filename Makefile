# The two commands of the README: `make run` and `make test`. Each installs what it needs.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
STAMP := $(VENV)/.installed

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BROWSER_PKGS := chromium chromium-driver fonts-noto-cjk
# The gateway test runs deploy/gateway.conf in a real nginx with a test certificate made by openssl.
SYSTEM_PKGS := nginx openssl

.PHONY: run test install browser system-packages bench lint clean

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

# nginx is only run by the tests, never as a service: where Debian's postinst may start one (no
# policy-rc.d, as in a container image), it is stopped again.
system-packages:
	@if ! { command -v nginx || [ -x /usr/sbin/nginx ]; } >/dev/null || ! command -v openssl >/dev/null; then \
	  $(SUDO) apt-get install -y --no-install-recommends $(SYSTEM_PKGS) \
	  || { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends $(SYSTEM_PKGS); }; \
	  $(SUDO) invoke-rc.d nginx stop >/dev/null 2>&1 || true; \
	fi

test: $(STAMP) browser system-packages
	$(PY) -m pytest -q $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) -m bench

lint: $(STAMP)
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) var .pytest_cache
