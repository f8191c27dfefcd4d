# kinesis-video-wasm: `make demo` and `make test` are all a newcomer needs; `setup` runs first.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := test

WASM_TARGET := wasm32-unknown-unknown
WASM := target/$(WASM_TARGET)/release/kinesis_video_wasm.wasm
WASM_BINDGEN_VERSION = $(shell awk '/^name = "wasm-bindgen"$$/ {getline; gsub(/"/, "", $$3); print $$3}' Cargo.lock)
# Measured on the gzip a browser gets: -Os with no inlining of single-caller functions, run to a
# fixed point, beats -Oz by 240 B (-Oz is smaller raw but compresses worse).
WASM_OPT_FLAGS := -Os --one-caller-inline-max-function-size 0 --converge --strip-debug --strip-producers --strip-target-features --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-simd
# Panic locations name source files: keep the build machine's paths out of the shipped wasm.
# Given with --config, which cargo appends to .cargo/config.toml's list (SIMD);
# a RUSTFLAGS variable would replace that list, so any in the environment is dropped.
PKG_RUSTFLAGS := ['--remap-path-prefix=$(or $(CARGO_HOME),$(HOME)/.cargo)/registry/src/=', '--remap-path-prefix=$(CURDIR)/=']
CARGO_WASM := env -u RUSTFLAGS -u CARGO_ENCODED_RUSTFLAGS cargo
export CHROMEDRIVER ?= /usr/bin/chromedriver
export WASM_BINDGEN_TEST_TIMEOUT ?= 120

.PHONY: setup pkg lint test test-native test-wasm test-node fuzz bench local-endpoint demo clean

## setup: install what is missing (quiet when everything is present)
setup: node_modules/.setup-stamp
	@rustup target list --installed | grep -qx $(WASM_TARGET) || rustup target add $(WASM_TARGET)
	@rustup component list --installed | grep -q '^clippy' || rustup component add clippy rustfmt
	@command -v wasm-pack >/dev/null || cargo install --locked wasm-pack
	@# Not --locked: the CLI's own lockfile pins a crate version the registry no longer serves.
	@if [ "$$(wasm-bindgen --version 2>/dev/null | awk '{print $$2}')" != "$(WASM_BINDGEN_VERSION)" ]; then \
	  cargo install --force wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION); fi
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; fi
	@python3 -c 'import moto, flask_cors' 2>/dev/null || python3 -m pip install -q -r tests/requirements.txt
	@# ffmpeg makes the local endpoint's test video (a few seconds of its testsrc, cut into fragments).
	@if ! command -v ffmpeg >/dev/null || ! command -v ffprobe >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg >/dev/null; fi
	@sh tests/local-endpoint/media/make-media.sh build/media

node_modules/.setup-stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## pkg: build the npm package into pkg/
pkg: setup
	$(CARGO_WASM) build --release --target $(WASM_TARGET) --no-default-features --config "target.$(WASM_TARGET).rustflags=$(PKG_RUSTFLAGS)"
	rm -rf build/bindgen build/pkg
	mkdir -p build/bindgen build/pkg
	wasm-bindgen --target web --no-typescript --out-dir build/bindgen $(WASM)
	node tools/minify-names.mjs build/bindgen
	node_modules/.bin/wasm-opt $(WASM_OPT_FLAGS) build/bindgen/kinesis_video_wasm_bg.wasm -o build/pkg/kinesis_video_wasm_bg.wasm
	cp npm/*.js build/bindgen/
	# Shipped JS is minified (readable sources stay in npm/); exports and import paths are kept.
	node_modules/.bin/esbuild --minify --format=esm --log-level=warning --outdir=build/pkg build/bindgen/*.js
	cp npm/*.d.ts npm/package.json npm/README.md build/pkg/
	node tools/check-pkg.mjs build/pkg
	rm -rf pkg && mv build/pkg pkg

## lint: rustfmt and clippy (warnings are errors), natively and for wasm32 as tested and as shipped
lint: setup
	cargo fmt --all --check
	cargo clippy --all-targets --quiet -- -D warnings
	cargo clippy --all-targets --target $(WASM_TARGET) --quiet -- -D warnings
	$(CARGO_WASM) clippy --lib --target $(WASM_TARGET) --no-default-features --quiet -- -D warnings
	$(CARGO_WASM) clippy -p sha-floor --lib --target $(WASM_TARGET) --quiet -- -D warnings

## test: every test of the project
test: lint test-native test-wasm test-node

test-native: setup
	cargo test --all-targets

# wasm-pack test in headless Chromium and in Node, against a local endpoint the script starts.
test-wasm: setup
	bash tests/run-wasm-tests.sh

test-node: pkg
	node --test --test-concurrency=1 tests/

## fuzz: long runs of the fuzzers (`make test` runs short ones): the native parser properties
## (FUZZ_CASES per property), hostile-input calls in Node and Chromium (FUZZ_CALLS) and generated responses
## (FUZZ_RESPONSES); FUZZ_SEED seeds the last two
fuzz: pkg
	FUZZ_CASES=$${FUZZ_CASES:-200000} cargo test --release --test parsers_fuzz
	FUZZ_CALLS=$${FUZZ_CALLS:-300000} node --test --test-concurrency=1 tests/node/fuzz-inputs.test.mjs tests/browser/fuzz-inputs.test.mjs
	FUZZ_RESPONSES=$${FUZZ_RESPONSES:-100000} node --test tests/node/fuzz-responses.test.mjs

## bench: package size, call overhead and cold start, and signing speed, against the reference SDKs;
## what each data-plane service adds to the package
bench: pkg
	$(CARGO_WASM) build -p sha-floor --release --target $(WASM_TARGET) --quiet
	@# Every table is printed; a script whose goal is missed fails the target at the end.
	@status=0; for script in size calls large-page sign service-cost; do node bench/$$script.mjs || status=1; done; exit $$status

## demo: build, start the local endpoint and serve the demo on http://127.0.0.1:8080
demo: pkg
	node www/serve.mjs

## local-endpoint: a local Kinesis Video endpoint on 127.0.0.1:$KVS_LOCAL_PORT (default 4567)
local-endpoint: setup
	node tests/local-endpoint/cli.mjs

clean:
	rm -rf build pkg target
