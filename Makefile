# Quick start: `make demo` (the matrix over every shipped spec and policy) and `make test`.
# Both install what is missing: a virtualenv with the package, and Debian's graphviz.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= out/demo

.PHONY: demo test bench matrix deps graphviz clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

deps: $(STAMP) graphviz

# Debian's graphviz provides `dot` (the renderers use it); installed only where missing.
graphviz:
	@command -v dot >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq graphviz >/dev/null; }

demo: deps
	$(BIN)/fsmodel list
	$(BIN)/fsmodel matrix --out $(OUT)
	@echo "traces and summary written to $(OUT)/ (see $(OUT)/summary.md)"

test: deps
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/fsmodel bench

clean:
	rm -rf $(VENV) out .pytest_cache
