# The few commands people run. Each installs what it needs: project-local Python
# virtual environments (.venv-localstack for LocalStack, the default emulator, with
# the project's plugin; .venv for moto and the linters), Rust crates through cargo,
# the portal's npm packages from its lockfile, and Debian's chromium (apt-get) for
# the browser tests when it is missing.
#
# EMULATOR=moto runs dev, test and bench on moto instead of LocalStack; with
# AWS_ENDPOINT_URL set they use the emulator already running there.

PYTHON ?= python3
VENV := .venv
VENV_STAMP := $(VENV)/.installed
LOCALSTACK_VENV := .venv-localstack
LOCALSTACK_STAMP := $(LOCALSTACK_VENV)/.installed
LOCALSTACK_PLUGIN := infra/localstack/plugin
EMULATOR ?= localstack
export EMULATOR
EMULATOR_STAMP := $(if $(filter moto,$(EMULATOR)),$(VENV_STAMP),$(LOCALSTACK_STAMP))
CARGO_FLAGS := $(if $(CI),--locked,)
PORTAL_STAMP := portal/node_modules/.installed
PORTAL_SOURCES := $(shell find portal/src -type f) portal/index.html portal/vite.config.ts portal/tsconfig.json
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
FUNCTIONS := request-login-link verify-login-link authorizer account password-login firm-admin change-password expire-passwords create-upload-url documents firm-cases document-uploaded settle-abandoned-uploads verify-totp backup-codes mfa-methods send-sms-code mfa-push start-recovery complete-recovery expire-recovery-links email-events run-jobs

.PHONY: dev cli smoke test test-integration test-portal lint bench build portal venv localstack clean

## dev: run the whole suite locally against the emulator, with demo data
# (.venv too: the README's by-hand steps compute TOTP codes with its pyotp)
dev: $(VENV_STAMP) $(EMULATOR_STAMP) portal/dist/index.html
	cargo run $(CARGO_FLAGS) -p devserver --bin devserver

## cli: the operator CLI, ARGS="create-firm --name …" (ARGS=--help lists its commands);
# while make dev runs it finds that stack by itself (.dev/stack.json), else it
# reads the usual AWS settings (AWS_ENDPOINT_URL, AWS_REGION, profiles, TABLE_NAME…),
# and with ARGS="--stack NAME …" a deployed stack's outputs
cli:
	cargo run --quiet $(CARGO_FLAGS) -p portcullis-cli --bin portcullis -- $(ARGS)

## smoke: the main flows against a deployment's API, URL=… (default: the running make dev's),
# in a test firm it makes and deletes; STACK=NAME takes the table and bucket (and the
# URL, without URL=) from that deployed stack's outputs; one line per step
smoke:
	cargo run --quiet $(CARGO_FLAGS) -p portcullis-cli --bin portcullis -- $(if $(STACK),--stack $(STACK)) smoke $(if $(URL),--url $(URL))

## test: the template lint, the unit tests, then the integration tests against the emulator
# LocalStack in every case: the presigned-URL tests need an S3 that checks
# signatures, and start a LocalStack of their own when the suite runs on moto.
test: $(VENV_STAMP) $(LOCALSTACK_STAMP)
	$(VENV)/bin/cfn-lint infra/template.yaml
	cargo test $(CARGO_FLAGS) --workspace --exclude integration-tests
	cargo test $(CARGO_FLAGS) -p integration-tests
	$(MAKE) test-portal

## test-portal: the portal's unit tests and its browser tests in headless Chromium,
# against make dev's server (on a free port, with an emulator of its own)
test-portal: $(EMULATOR_STAMP) $(CHROMIUM) portal/dist/index.html
	cargo build $(CARGO_FLAGS) -p devserver --bin devserver
	npm --prefix portal test

## test-integration: the integration tests alone (CI runs them on moto too: EMULATOR=moto)
test-integration: $(EMULATOR_STAMP) $(LOCALSTACK_STAMP)
	cargo test $(CARGO_FLAGS) -p integration-tests

## lint: formatting and clippy, as CI runs them
lint: $(PORTAL_STAMP)
	cargo fmt --all --check
	cargo clippy $(CARGO_FLAGS) --workspace --all-targets -- -D warnings
	npm --prefix portal run check

## bench: release builds, cold starts, warm latency and binary sizes, and the
# Node.js peer's cold starts (its packages from its lockfile)
# The functions are built on their own first: built together with the bench crate,
# they would get its dependencies' features (the in-memory fakes among them).
bench: $(EMULATOR_STAMP)
	cargo build $(CARGO_FLAGS) --release $(addprefix -p ,$(FUNCTIONS))
	cargo build $(CARGO_FLAGS) --release -p bench
	npm ci --prefix infra/bench/node-peer --no-audit --no-fund
	target/release/bench

## build: the Lambda artefacts for deployment (sam build with cargo-lambda, arm64)
build: $(VENV)/.build-tools portal/dist/index.html
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/sam build --template-file infra/template.yaml

venv: $(VENV_STAMP)

## portal: the portal's build, in portal/dist (make dev and make build make it too)
portal: portal/dist/index.html

portal/dist/index.html: $(PORTAL_STAMP) $(PORTAL_SOURCES)
	npm --prefix portal run build

$(PORTAL_STAMP): portal/package-lock.json
	npm --prefix portal ci --no-audit --no-fund
	touch $@

# Playwright cannot download its own browser here: Debian's is used (with its
# recommended packages, fonts among them, as the browser tests were run with).
$(CHROMIUM):
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium || { $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }

localstack: $(LOCALSTACK_STAMP)

$(VENV_STAMP): infra/moto/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r infra/moto/requirements.txt
	touch $@

# LocalStack from hashed pins (no resolution at install time), then the project's
# plugin, built against what is installed (setuptools is among the pins).
$(LOCALSTACK_STAMP): infra/localstack/requirements.txt $(LOCALSTACK_PLUGIN)/pyproject.toml $(wildcard $(LOCALSTACK_PLUGIN)/portcullis_localstack/*.py)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "LocalStack 4.13.1 and its pins need Python 3.11: set PYTHON to a python3.11")'
	$(PYTHON) -m venv $(LOCALSTACK_VENV)
	$(LOCALSTACK_VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r infra/localstack/requirements.txt
	$(LOCALSTACK_VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation --force-reinstall ./$(LOCALSTACK_PLUGIN)
	rm -rf $(LOCALSTACK_PLUGIN)/build $(LOCALSTACK_PLUGIN)/*.egg-info
	touch $@

$(VENV)/.build-tools: infra/build-requirements.txt $(VENV_STAMP)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r infra/build-requirements.txt
	touch $@

clean:
	cargo clean
	rm -rf $(VENV) $(LOCALSTACK_VENV) .aws-sam portal/node_modules portal/dist
