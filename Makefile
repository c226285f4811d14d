# The two commands (see README): `make serve` and `make test`. Both install whatever is missing
# first (scripts/bootstrap.sh) and are safe to run again.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER := /usr/bin/chromedriver

.PHONY: serve test bootstrap bootstrap-serve lint test-native lessons test-fuzz test-wasm build budget test-e2e

serve: bootstrap-serve
	trunk serve --release

test: bootstrap lint test-native lessons test-fuzz test-wasm build budget test-e2e
	@echo "make test: all checks passed"

bootstrap:
	scripts/bootstrap.sh test

bootstrap-serve:
	scripts/bootstrap.sh serve

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p kubeplay-app --target wasm32-unknown-unknown --all-targets -- -D warnings

# The app's own unit tests (journal, share, terminal helpers) run natively too; its browser
# tests are in test-wasm.
test-native:
	cargo test -p kubeplay-core -p kubeplay-cli
	cargo test -p kubeplay-app --lib

# Every built-in lesson replayed by the CLI: each step's checks fail before its solution and
# pass after it (README "Lessons").
lessons:
	cargo build -q -p kubeplay-cli
	for id in $$(target/debug/kubeplay lesson list | cut -d' ' -f1); do \
		target/debug/kubeplay lesson check "$$id"; \
	done

# Each cargo-fuzz target briefly (FUZZING.md has the long runs). Works on the stable toolchain:
# RUSTC_BOOTSTRAP lets cargo-fuzz pass its flags, and without a sanitizer nothing needs nightly.
# New inputs go to a scratch directory, so the committed corpora never change here.
FUZZ_TARGETS := manifest shell kubectl_args jsonpath
FUZZ_RUNS ?= 20000
test-fuzz:
	set -e; scratch=$$(mktemp -d); trap 'rm -rf "$$scratch"' EXIT; \
	for t in $(FUZZ_TARGETS); do \
		mkdir -p "$$scratch/$$t"; \
		(cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run "$$t" --sanitizer none -O \
			"$$scratch/$$t" "corpus/$$t" -- -runs=$(FUZZ_RUNS) -max_total_time=60 \
			-timeout=10 -rss_limit_mb=2048 -print_final_stats=1); \
	done

# The app's wasm-bindgen-test suite in headless Chromium (Debian's chromium + chromedriver).
test-wasm:
	wasm-pack test --headless --chrome app

build:
	trunk build --release

# The product target is 350 KiB gzip; the page is above it today (README "Budgets"), so the
# check fails just above the measured size (939.4 KiB), to stop growth while the size work is
# pending.
budget: build
	node scripts/bundle-budget.mjs dist 957 350

test-e2e: build
	node --test tests/e2e/

# Side-by-side benchmark against the closest peer, @ngrok/webernetes (BENCHMARKS.md). Not part
# of `make test`: it takes minutes and its numbers depend on the machine. Every driver runs
# under a time cap (bench/run.mjs), so it cannot hang.
.PHONY: bench
bench:
	cd bench && npm ci --no-audit --no-fund
	cd bench/wasm && cargo build --profile native --bin kubeplay-bench-native
	cd bench/wasm && cargo build --release --lib --target wasm32-unknown-unknown
	wasm-bindgen --target nodejs --out-dir bench/pkg bench/wasm/target/wasm32-unknown-unknown/release/kubeplay_bench.wasm
	echo '{"type":"commonjs"}' > bench/pkg/package.json
	cd bench && node run.mjs
	trunk build --release
	node bench/page.mjs

# Only the page's own targets (first answer, frame time with 300 pods + 200 requests).
.PHONY: bench-page
bench-page: build
	node bench/page.mjs
