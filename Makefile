# drkit: the two commands a fresh machine needs are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CHECKOV_VENV := .tools/checkov
CHECKOV_VERSION := 3.3.30
# cdktf-cli from npm, in the project's own folder: the e2e tests and `drkit demo --keep`
# run .tools/cdktf/node_modules/.bin/cdktf (Node.js and npm must be on the PATH).
CDKTF_DIR := .tools/cdktf
CDKTF_VERSION := 0.21.0
# `make test-fast`: as many pytest workers as cores (in-process tests, CPU-bound).
PYTEST_WORKERS ?= 2
# `make test`: one more. xdist gives each end-to-end lifecycle (an xdist group) a worker of its
# own and hands a worker more only when it has at most 2 tests left, so with 2 workers every
# other test waited for a lifecycle to end, while the lifecycles mostly wait on the provider's
# fixed waits. The third runs them meanwhile.
TEST_WORKERS ?= 3

export PIP_DISABLE_PIP_VERSION_CHECK := 1
# Python keeps bytecode beside the sources (git ignores __pycache__; the Lambda archive is
# staged without it). A machine that sets PYTHONDONTWRITEBYTECODE makes every test worker,
# emulator server and drkit process compile drkit and rewrite the tests again: 7-8 s of
# `make test-fast` here.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: help venv tools lint ruff synth synth-3 validate demo graph test test-fast test-e2e bench budget mutate clean

help:
	@echo "make demo      synthesize, deploy to the embedded AWS emulator, summarize, destroy"
	@echo "make test      the whole test suite (unit, property, compliance, end-to-end)"
	@echo "make test-fast the edit loop: the in-process tests (not the e2e deploys, not the slow-marked ones)"
	@echo "make lint      ruff (lint and format) over the tree, strict mypy over drkit/"
	@echo "make synth     write cdktf.out/stacks/<stack>/cdk.tf.json, every stack (DRKIT_CONFIG, ENVIRONMENT_SUFFIX apply)"
	@echo "make validate  synthesize DRKIT_CONFIG's layout (else 2 and 3 regions), terraform validate offline"
	@echo "make budget    print the RTO/RPO budget of the spec"
	@echo "make graph     draw the synthesized topology as Mermaid (GRAPH_ARGS='--format svg -o t.svg')"
	@echo "make bench     print measured synth/deploy timings"
	@echo "make mutate    mutation testing of drkit/regions, the runtime and the IAM evaluator"

# uv resolves and installs the same requirements as pip, in seconds instead of about a minute
# here (the provider bindings' wheel is large): pip only installs uv itself.
UV_VERSION := 0.13.9

# The venvs get no pip of their own (ensurepip: 3-4 s here): the interpreter's pip installs
# uv into them (`pip --python`, pip 22.3+), or, where it has none, ensurepip does after all.
INSTALL_UV = $(PYTHON) -m pip --python $(1) install --quiet 'uv==$(UV_VERSION)' \
	|| { $(1) -m ensurepip --default-pip && $(1) -m pip install --quiet 'uv==$(UV_VERSION)'; }

$(VENV)/.installed: setup.cfg setup.py pyproject.toml
	$(PYTHON) -m venv --without-pip $(VENV)
	$(call INSTALL_UV,$(PY))
	$(VENV)/bin/uv pip install --quiet --python $(PY) -e '.[test]'
	touch $@

venv: $(VENV)/.installed

# checkov pins its own boto3/botocore; it gets a venv of its own so it cannot
# move the project's dependencies.
$(CHECKOV_VENV)/.installed:
	$(PYTHON) -m venv --without-pip $(CHECKOV_VENV)
	$(call INSTALL_UV,$(CHECKOV_VENV)/bin/python)
	$(CHECKOV_VENV)/bin/uv pip install --quiet --python $(CHECKOV_VENV)/bin/python \
		'checkov==$(CHECKOV_VERSION)'
	touch $@

# --prefer-offline: metadata npm has cached is not asked for again (476 packages: 28 s here
# asking, 18 s not); what the cache lacks is still downloaded.
$(CDKTF_DIR)/.installed-$(CDKTF_VERSION):
	mkdir -p $(CDKTF_DIR)
	npm install --prefix $(CDKTF_DIR) --prefer-offline --no-audit --no-fund --loglevel=error 'cdktf-cli@$(CDKTF_VERSION)'
	touch $@

tools: $(CHECKOV_VENV)/.installed $(CDKTF_DIR)/.installed-$(CDKTF_VERSION)

synth: venv
	$(PY) app.py
	@echo "wrote cdktf.out/stacks/*/cdk.tf.json (one directory per stack)"

validate: venv
	$(PY) -m drkit validate

demo: venv
	$(PY) -m drkit demo $(DEMO_ARGS)

graph: venv
	$(PY) -m drkit graph $(GRAPH_ARGS)

budget: venv
	$(PY) -m drkit budget

# mypy's files and settings are in pyproject.toml.
lint: ruff
	$(VENV)/bin/mypy

ruff: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# `make test` runs what CI runs (.ci/run): the derandomized `ci` hypothesis profile, 100
# examples a property (tests/conftest.py; the properties that synthesize take 4,
# tests/helpers.py). HYPOTHESIS_PROFILE=default make test runs the edit loop's 25 instead.
HYPOTHESIS_PROFILE ?= ci
# `make lint` runs beside the tests: its strict mypy takes about 17 s of one core (cold; it
# reads the types of the provider modules drkit uses, pyproject.toml), a core's worth of the
# time the end-to-end deployments wait on the provider's fixed waits. Either failing fails
# the target; lint's output follows.
test: venv tools
	@lint_log=$$(mktemp); \
	$(MAKE) --no-print-directory lint >"$$lint_log" 2>&1 & lint_pid=$$!; \
	HYPOTHESIS_PROFILE=$(HYPOTHESIS_PROFILE) $(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup -q; \
	tests=$$?; wait $$lint_pid; linted=$$?; \
	echo "make lint (beside the tests): exit $$linted"; cat "$$lint_log"; rm -f "$$lint_log"; \
	[ $$tests -eq 0 ] || exit $$tests; exit $$linted

# The edit loop: in-process tests only (`slow` ones wait on checkov, terraform or a moto
# server; setup.cfg). No xdist group is left in it, so idle workers may steal queued tests.
# ruff only: strict mypy takes about 17 s of it cold (`make lint`, and `make test`, run it).
test-fast: ruff
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist worksteal -q -m "not e2e and not slow"

test-e2e: venv tools
	$(PY) -m pytest -q -m e2e

bench: venv
	$(PY) bench/run.py

# Mutation testing with mutmut, not part of `make test` (docs/mutation.md has the score and
# why each surviving mutant is left). MUTATE_ARGS: mutant names or globs, e.g.
# MUTATE_ARGS="'drkit_runtime.*'"; results are kept in .mutmut/ between runs.
mutate: venv
	$(PY) dev/mutate.py $(MUTATE_ARGS)

clean:
	rm -rf cdktf.out .drkit .pytest_cache .hypothesis .mutmut
