# Quick start: `make demo` (the matrix over every shipped spec and policy) and `make test`.
# Both install what is missing: a virtualenv with the package, and Debian's graphviz; the
# tests and the benchmark also Debian's spin (SPIN checks the exported specs).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= out/demo

.PHONY: demo test crosscheck mutants bench matrix deps graphviz spin gallery report screenshots conformance pg-conformance clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

deps: $(STAMP) graphviz

# $(call debian,COMMAND,PACKAGE): install the Debian package where its command is missing.
debian = command -v $(1) >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $(2) >/dev/null; }

# Debian's graphviz provides `dot` (the renderers use it).
graphviz:
	@$(call debian,dot,graphviz)

# Debian's spin: the third engine of the cross-checks and the baseline of fsmodel bench.
spin:
	@$(call debian,spin,spin)

demo: deps
	$(BIN)/fsmodel list
	$(BIN)/fsmodel matrix --out $(OUT) --report $(OUT)/report --render $(OUT)/diagrams
	$(BIN)/fsmodel matrix --family kv --specs pg-retry,pg-panic --option client=on \
	  --out $(OUT)/kv --report $(OUT)/kv/report --render $(OUT)/kv/diagrams
	@echo "traces and summary in $(OUT)/ (summary.md); open $(OUT)/report/index.html"
	@echo "storage engines by file system: $(OUT)/kv/summary.md, $(OUT)/kv/report/index.html"

# diagrams/: the lane diagram of every known trace; tests/test_render.py fails when stale.
gallery: deps
	$(BIN)/fsmodel gallery --out diagrams

# Look at the output as a person would: headless Chromium screenshots of the report and of
# the T1, T2, T3 and T5 diagrams (installs Debian's chromium if missing).
SCREENS ?= out/screens
screenshots: deps
	@$(call debian,chromium,chromium)
	$(BIN)/fsmodel matrix --specs pg-panic,pg-retry,os-contract --out $(SCREENS)/matrix \
	  --report $(SCREENS)/report
	for t in T1 T2 T3 T5; do dot -Tpng diagrams/$$t.dot -o $(SCREENS)/$$t.png; done
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,1000 \
	  --screenshot=$(SCREENS)/report.png file://$(CURDIR)/$(SCREENS)/report/index.html
	@echo "screenshots in $(SCREENS)/"

# The tests; make crosscheck runs the engines against each other on every cell (CI runs both).
test: deps spin
	$(BIN)/python -m pytest -q -m "not crosscheck"

crosscheck: deps spin
	$(BIN)/python -m pytest -q -m crosscheck

# Mutation testing: every mutant of tests/mutants.py (the kernel, the policies, errseq_t, the
# PostgreSQL model, the properties, the engines, the renderers) against the fast tests.
mutants: deps spin
	$(BIN)/python tests/mutants.py

# Boot Debian's 6.1 and 6.12 kernels under QEMU, run the scenarios on ext4, ext4
# data=journal, XFS and Btrfs (those with a power loss across two boots on the same images)
# and compare every step with the kernel model (installs qemu and the tools from Debian).
conformance: $(STAMP)
	$(BIN)/fsmodel conformance

# Replay the known PostgreSQL traces T1, T3 and T4, each with its control, on Debian's
# PostgreSQL 15 server under Debian's 6.1 and 6.12 kernels, on ext4 and XFS (installs qemu,
# the server's packages and their libraries from Debian).
pg-conformance: $(STAMP)
	$(BIN)/fsmodel pg-conformance

bench: $(STAMP) spin
	$(BIN)/fsmodel bench

clean:
	rm -rf $(VENV) out .pytest_cache .conformance
