# Two commands for a fresh machine:
#   make demo   set up everything, then render examples/ to out/
#   make test   set up everything, then run the tests and the linters

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# What WeasyPrint needs from the system (Debian/Ubuntu names). HarfBuzz's
# subset library makes font subsetting about three times faster.
SYSTEM_LIBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 shared-mime-info
# Only the browser tests need these, so `make test` installs them and `make demo` does not.
TEST_SYSTEM_PACKAGES := chromium
LINTED := src tests $(wildcard benchmarks scripts)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test setup system-deps test-system-deps lint clean

demo: setup
	@mkdir -p out
	@for f in examples/*.yaml; do \
		$(BIN)/advocacy render "$$f" -o "out/$$(basename "$${f%.*}").pdf" --force || exit 1; \
	done
	@echo "Rendered: $$(ls out/*.pdf | tr '\n' ' ')"

# One worker per core; an idle worker takes tests from a busy one (the
# sixty-row batch test alone takes two minutes).
test: setup test-system-deps
	$(BIN)/python -m pytest -n auto --dist worksteal
	$(MAKE) lint

lint: setup
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy

setup: system-deps $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $@

# Installs only what is missing; on systems without apt it says what to install.
define install_missing
	@missing=""; \
	if command -v dpkg-query >/dev/null 2>&1; then \
		for lib in $(1); do \
			dpkg-query -W -f='$${Status}' "$$lib" 2>/dev/null | grep -q "ok installed" || missing="$$missing $$lib"; \
		done; \
		if [ -n "$$missing" ]; then \
			echo "Installing system packages:$$missing"; \
			$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
		fi; \
	elif [ "$$(uname)" = Darwin ]; then \
		$(2) \
	else \
		echo "$(3)"; \
	fi
endef

system-deps:
	$(call install_missing,$(SYSTEM_LIBS),command -v brew >/dev/null && (brew list pango >/dev/null 2>&1 || brew install pango);,Install Pango (1.44 or later) and HarfBuzz with your package manager; see README.md.)

# The browser tests skip, saying why, where no /usr/bin/chromium can be installed.
test-system-deps:
	$(call install_missing,$(TEST_SYSTEM_PACKAGES),true;,Install Chromium as /usr/bin/chromium to run the browser tests.)

clean:
	rm -rf $(VENV) out build dist .pytest_cache .mypy_cache .ruff_cache
