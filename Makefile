# The two commands that matter: `make run` (local stack) and `make test` (everything CI checks).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ENV    ?= dev
PYTEST_WORKERS ?= 2

.PHONY: run test lint typecheck unit integration e2e infra bench synth diff deploy destroy clean
.PHONY: console console-check chromium screenshots openapi

# Behind a package mirror: pip (and the layer bundle) read PIP_INDEX_URL and pip.conf; uv reads
# UV_INDEX_URL and uv.toml, and is given PIP_INDEX_URL when UV_INDEX_URL is not set.
ifdef PIP_INDEX_URL
export UV_INDEX_URL ?= $(PIP_INDEX_URL)
endif

$(BIN)/uv:
	@echo "==> Creating $(VENV) with uv, the installer every other target uses"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv

# Two installs into one .venv, each redone only when its lock changes. `make run` installs the run lock
# (the local stack, its CLI and the SDK: about 125 MB); every other target the dev lock (the run lock, same
# pins, plus tests, lint, type checking and the CDK: about 700 MB). The project and its Python SDK
# (clients/python) are editable installs; the Lambda layer is built from layer.lock alone.
EDITABLES := -e . -e clients/python
$(VENV)/.run-installed: requirements/run.lock pyproject.toml clients/python/pyproject.toml | $(BIN)/uv
	@echo "==> Installing the local stack's packages (requirements/run.lock)"
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements/run.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps $(EDITABLES)
	touch $@

$(VENV)/.synced: requirements/dev.lock pyproject.toml clients/python/pyproject.toml | $(BIN)/uv
	@echo "==> Installing the development packages (requirements/dev.lock: tests, lint, type checking, CDK)"
	$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements/dev.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps $(EDITABLES)
	touch $@

node_modules/.installed: package.json package-lock.json
	@echo "==> Installing the pinned CDK CLI (package-lock.json)"
	npm ci --silent --no-audit --no-fund
	touch $@

# The API starts even when the console cannot be built (no Node.js, or a failed build).
NPM ?= npm
run: $(VENV)/.run-installed
	@if command -v $(NPM) >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory console || echo "The console build failed: starting the API without it."; \
	else \
		echo "Node.js (npm) was not found: the console was not built; starting the API without it."; \
	fi
	$(BIN)/triggers run

test: lint typecheck console-check chromium
	@echo "==> pytest: unit, integration, e2e and infrastructure tests on $(PYTEST_WORKERS) workers (3 to 6 minutes)"
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist loadgroup

lint: $(VENV)/.synced
	@echo "==> ruff: lint and format check"
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.synced
	@echo "==> mypy --strict (about 2 minutes without .mypy_cache, seconds with it)"
	$(BIN)/mypy layers/common/triggers functions local stacks app.py clients/python/src examples

unit integration e2e infra: $(VENV)/.synced
	$(BIN)/pytest -q tests/$(subst infra,infrastructure,$@)

bench: $(VENV)/.synced
	$(BIN)/python -m benchmarks

# The web console (console/): its own packages and lock. Built only when a source changed; the local
# stack serves console/dist at its root, and the console stack deploys it.
CONSOLE_SOURCES := $(shell find console/src console/public -type f 2>/dev/null) \
	console/index.html console/vite.config.ts console/tsconfig.json
CONSOLE_PACKAGES := console/node_modules/.installed

$(CONSOLE_PACKAGES): console/package.json console/package-lock.json
	@echo "==> Installing the console's npm packages (console/package-lock.json)"
	cd console && npm ci --silent --no-audit --no-fund
	touch $@

console/dist/index.html: $(CONSOLE_PACKAGES) $(CONSOLE_SOURCES)
	@echo "==> Building the console (console/dist)"
	cd console && npm run --silent build

console: console/dist/index.html

# ESLint, tsc and Vitest; the browser tests in tests/e2e need the build.
console-check: console/dist/index.html
	@echo "==> Console: ESLint, tsc and Vitest"
	cd console && npm run --silent lint && npm run --silent typecheck && npm run --silent test -- --reporter=dot

# The browser tests drive Debian's Chromium; installed only when missing (as root, or with sudo).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
chromium:
	@$(PYTHON) -c 'import shutil, sys; sys.exit(shutil.which("chromium") is None)' || { \
		echo "Installing Debian's chromium for the browser tests"; \
		$(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# PNGs of every console page in docs/images/, from a local stack seeded with sample data.
screenshots: $(VENV)/.synced console chromium
	$(BIN)/pytest -q tests/e2e/console_screenshots.py

# docs/openapi.json from the functions' own resolvers, and the console's API types from it.
openapi: $(VENV)/.synced $(CONSOLE_PACKAGES)
	$(BIN)/python -m local.openapi docs/openapi.json
	cd console && npm run --silent api:types

# The CDK CLI pinned in package-lock.json. jsii warns on every run that Node 20 is deprecated / past end of
# life; it still works, so the banner is silenced.
JSII_QUIET := JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1 JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
CDK := $(JSII_QUIET) npx --no-install cdk
CDK_OUT = cdk.out/$(ENV)

.PHONY: layer bootstrap
# Bundles the common layer for arm64 into .layer-build/<hash>/ (synth does this too, and reuses it).
layer: $(VENV)/.synced
	$(JSII_QUIET) $(BIN)/python -m stacks.layer_bundle

synth: $(VENV)/.synced node_modules/.installed console
	$(CDK) synth --quiet -c env=$(ENV) --output $(CDK_OUT)

diff: $(VENV)/.synced node_modules/.installed console
	$(CDK) diff -c env=$(ENV) --output $(CDK_OUT)

bootstrap: $(VENV)/.synced node_modules/.installed
	$(CDK) bootstrap -c env=$(ENV) --output $(CDK_OUT)

# CI passes REQUIRE_APPROVAL=never: nobody is there to answer the prompt for IAM or security group changes
# (review them with `make diff` before merging instead; docs/operations.md, "Deploying from CI").
REQUIRE_APPROVAL ?= broadening
deploy: $(VENV)/.synced node_modules/.installed console
	$(CDK) deploy --all -c env=$(ENV) --output $(CDK_OUT) --require-approval $(REQUIRE_APPROVAL) \
		--outputs-file cdk.out/$(ENV)-outputs.json

# Deletes the environment's stacks after a confirmation prompt (FORCE=1 skips it). prod has termination
# protection, and what it retains (tables, keys, queues, logs) stays behind: docs/operations.md.
destroy: $(VENV)/.synced node_modules/.installed console
	$(CDK) destroy --all -c env=$(ENV) --output $(CDK_OUT) $(if $(FORCE),--force)

clean:
	rm -rf $(VENV) node_modules cdk.out .layer-build .pytest_cache .mypy_cache .ruff_cache
