# The few commands people run. Each installs what it needs: a project-local Python
# virtual environment (.venv) for the emulator and the linters, and Rust crates
# through cargo.

PYTHON ?= python3
VENV := .venv
VENV_STAMP := $(VENV)/.installed
CARGO_FLAGS := $(if $(CI),--locked,)
FUNCTIONS := request-login-link verify-login-link authorizer account password-login firm-admin change-password expire-passwords create-upload-url documents firm-cases document-uploaded settle-abandoned-uploads verify-totp backup-codes mfa-methods send-sms-code mfa-push start-recovery complete-recovery expire-recovery-links

.PHONY: dev test lint bench build venv clean

## dev: run the whole suite locally against the emulator, with demo data
dev: $(VENV_STAMP)
	cargo run $(CARGO_FLAGS) -p devserver --bin devserver

## test: the template lint, the unit tests, then the integration tests against the emulator
test: $(VENV_STAMP)
	$(VENV)/bin/cfn-lint infra/template.yaml
	cargo test $(CARGO_FLAGS) --workspace --exclude integration-tests
	cargo test $(CARGO_FLAGS) -p integration-tests

## lint: formatting and clippy, as CI runs them
lint:
	cargo fmt --all --check
	cargo clippy $(CARGO_FLAGS) --workspace --all-targets -- -D warnings

## bench: release builds, cold starts, warm latency and binary sizes
# The functions are built on their own first: built together with the bench crate,
# they would get its dependencies' features (the in-memory fakes among them).
bench: $(VENV_STAMP)
	cargo build $(CARGO_FLAGS) --release $(addprefix -p ,$(FUNCTIONS))
	cargo build $(CARGO_FLAGS) --release -p bench
	target/release/bench

## build: the Lambda artefacts for deployment (sam build with cargo-lambda, arm64)
build: $(VENV)/.build-tools
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/sam build --template-file infra/template.yaml

venv: $(VENV_STAMP)

$(VENV_STAMP): infra/emulator/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r infra/emulator/requirements.txt
	touch $@

$(VENV)/.build-tools: infra/build-requirements.txt $(VENV_STAMP)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r infra/build-requirements.txt
	touch $@

clean:
	cargo clean
	rm -rf $(VENV) .aws-sam
