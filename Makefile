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

# Re-installs only when the lock changes. The project and its Python SDK (clients/python, whose three
# dependencies are in the lock) are editable installs; the Lambda layer is built from layer.lock alone.
$(VENV)/.synced: requirements/dev.lock pyproject.toml clients/python/pyproject.toml | $(BIN)/uv
	$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements/dev.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e . -e clients/python
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
	$(BIN)/mypy layers/common/triggers functions local stacks app.py clients/python/src examples

unit integration e2e infra: $(VENV)/.synced
	$(BIN)/pytest -q tests/$(subst infra,infrastructure,$@)

bench: $(VENV)/.synced
	$(BIN)/python -m benchmarks

# The CDK CLI pinned in package-lock.json. jsii warns on every run that Node 20 is deprecated / past end of
# life; it still works, so the banner is silenced.
JSII_QUIET := JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1 JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
CDK := $(JSII_QUIET) npx --no-install cdk
CDK_OUT = cdk.out/$(ENV)

.PHONY: layer bootstrap
# Bundles the common layer for arm64 into .layer-build/<hash>/ (synth does this too, and reuses it).
layer: $(VENV)/.synced
	$(JSII_QUIET) $(BIN)/python -m stacks.layer_bundle

synth: $(VENV)/.synced node_modules/.installed
	$(CDK) synth --quiet -c env=$(ENV) --output $(CDK_OUT)

diff: $(VENV)/.synced node_modules/.installed
	$(CDK) diff -c env=$(ENV) --output $(CDK_OUT)

bootstrap: $(VENV)/.synced node_modules/.installed
	$(CDK) bootstrap -c env=$(ENV) --output $(CDK_OUT)

deploy: $(VENV)/.synced node_modules/.installed
	$(CDK) deploy --all -c env=$(ENV) --output $(CDK_OUT) --require-approval broadening \
		--outputs-file cdk.out/$(ENV)-outputs.json

clean:
	rm -rf $(VENV) node_modules cdk.out .layer-build .pytest_cache .mypy_cache .ruff_cache
