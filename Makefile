# The entry points for people. `make run` and `make test` are the two that matter.
CARGO ?= cargo
NPM ?= npm

.PHONY: run test test-browser test-tools lint build release fmt assets bench routes-verify routes-baseline-update routes-map

## Build goats and run it on the embedded SQLite database (./data/goats.db), no setup.
run: assets
	$(CARGO) run --release --locked -p goats -- serve

## Build everything and run every test against SQLite, PostgreSQL and MariaDB, then the
## schemathesis conformance run against the REST API's own OpenAPI document, then the
## browser tests in headless Chromium.
test: lint assets test-tools
	$(CARGO) test --workspace --all-targets --locked
	$(MAKE) routes-verify
	tests/conformance/run.sh
	$(MAKE) test-browser

## The Python peers some tests start (aiosmtpd for mail), pinned in tests/tools.
test-tools:
	tests/tools/install.sh

## The agent pages in a real browser (Debian's chromium, driven by playwright-core).
## Builds the debug binary first, so it embeds the assets just built.
test-browser: assets test-tools
	$(CARGO) build -p goats --locked
	$(NPM) run test:browser

## Throughput, latency, memory and start-up of a release build on SQLite and PostgreSQL
## with 100,000 seeded tickets of 3 articles (reused between runs), driven by oha from another process.
## Writes target/bench/results.json and target/bench/throughput.svg. Not part of `make test`.
## BENCH_TICKETS, BENCH_ARTICLES, BENCH_SECONDS, BENCH_CLIENTS, BENCH_ENGINES (mariadb too when
## named) and BENCH_CASES (words of case names, e.g. BENCH_CASES=create,article) change what it measures.
bench: assets test-tools
	@command -v oha >/dev/null 2>&1 || $(CARGO) install oha --locked
	$(CARGO) build --release --locked -p goats -p goats-bench
	$${CARGO_TARGET_DIR:-target}/release/goats-bench

## The front-end: htmx, Alpine.js and Tailwind from npm (package-lock.json) built into
## static/dist, which the binary embeds.
assets: node_modules/.package-lock.json
	$(NPM) run build

node_modules/.package-lock.json: package.json package-lock.json
	$(NPM) ci --no-audit --no-fund

## The routes as the files declare them, against the reviewed baseline: removed routes
## and lost middleware are breaking, changed handlers or templates are warnings; either
## fails. The manifest is generated afresh (no database needed).
routes-verify:
	$(CARGO) run --quiet --locked -p goats -- routes generate
	$(CARGO) run --quiet --locked -p goats -- routes verify

## Accept the routes as they are now as the new baseline (commit the file).
routes-baseline-update:
	$(CARGO) run --quiet --locked -p goats -- routes generate
	cp runtime/routes-manifest.json runtime/routes-manifest.baseline.json

## Which templates and scripts call which routes: runtime/routes-map.{json,mmd,dot}.
routes-map:
	$(CARGO) run --quiet --locked -p goats -- routes map

## Formatting and lints, as CI checks them.
lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

fmt:
	$(CARGO) fmt --all

build:
	$(CARGO) build --workspace --locked

release: assets
	$(CARGO) build --release --locked -p goats
