# The two commands that matter: `make run` (local stack) and `make test` (everything CI checks).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ENV    ?= dev
PYTEST_WORKERS ?= 2

.PHONY: run test lint typecheck unit integration e2e infra bench synth diff deploy clean

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv

# Re-installs only when the lock changes.
$(VENV)/.synced: requirements/dev.lock pyproject.toml | $(BIN)/uv
	$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements/dev.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

run: $(VENV)/.synced
	$(BIN)/triggers run

test: lint typecheck
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist loadgroup

lint: $(VENV)/.synced
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.synced
	$(BIN)/mypy layers/common/triggers functions local stacks app.py

unit integration e2e infra: $(VENV)/.synced
	$(BIN)/pytest -q tests/$(subst infra,infrastructure,$@)

bench: $(VENV)/.synced
	$(BIN)/python -m benchmarks

synth: $(VENV)/.synced node_modules/.installed
	npx cdk synth --quiet -c env=$(ENV) --output cdk.out/$(ENV)

diff: $(VENV)/.synced node_modules/.installed
	npx cdk diff -c env=$(ENV)

deploy: $(VENV)/.synced node_modules/.installed
	npx cdk deploy --all -c env=$(ENV) --require-approval broadening

clean:
	rm -rf $(VENV) node_modules cdk.out .layer-build .pytest_cache .mypy_cache .ruff_cache
