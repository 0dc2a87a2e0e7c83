# The entry points for people. `make run` and `make test` are the two that matter.
CARGO ?= cargo

.PHONY: run test lint build release fmt

## Build goats and run it on the embedded SQLite database (./data/goats.db), no setup.
run:
	$(CARGO) run --release --locked -p goats -- serve

## Build everything and run every test against SQLite, PostgreSQL and MariaDB, then the
## schemathesis conformance run against the REST API's own OpenAPI document.
test: lint
	$(CARGO) test --workspace --all-targets --locked
	tests/conformance/run.sh

## Formatting and lints, as CI checks them.
lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

fmt:
	$(CARGO) fmt --all

build:
	$(CARGO) build --workspace --locked

release:
	$(CARGO) build --release --locked -p goats
