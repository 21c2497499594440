# policykg: two commands on a fresh machine.
#   make demo   set up .venv, build the examples into out/, export, draw the overlap page
#   make test   set up .venv with the test extras and run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= out

.PHONY: demo test venv sysdeps clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

venv: $(VENV)/.installed

demo: $(VENV)/.installed
	rm -rf $(OUT) && mkdir -p $(OUT)
	$(BIN)/policykg build examples/policies --manifest examples/policies/manifest.csv --store $(OUT)/store
	$(BIN)/policykg overlap --store $(OUT)/store
	$(BIN)/policykg query --store $(OUT)/store --file examples/queries/stripe-customers.rq
	$(BIN)/policykg export --store $(OUT)/store --format ttl -o $(OUT)/graph.ttl
	$(BIN)/policykg export --store $(OUT)/store --format csv -o $(OUT)/flows.csv
	$(BIN)/policykg viz --store $(OUT)/store -o $(OUT)/overlap.html

sysdeps:
	bash scripts/install-sysdeps.sh

test: $(VENV)/.installed-test sysdeps
	$(BIN)/python -m pytest -q -p no:cacheprovider

bench: $(VENV)/.installed-test
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) $(OUT) policykg-store *.egg-info
