# The front door. `make demo` runs the main job, `make test` every test suite.
# build, test, demo and bench run setup first; setup installs only what is missing.

JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 10

.PHONY: setup build build-native build-asan build-fuzz build-wasm build-wasm-tests test \
        test-native test-asan test-fuzz test-wasm demo bench bench-wasm differential-wasm format clean

setup:
	@bash scripts/setup.sh

build: setup build-native build-wasm

build-native:
	@cmake --preset native >/dev/null
	@cmake --build --preset native -j $(JOBS)

build-asan:
	@cmake --preset native-asan >/dev/null
	@cmake --build --preset native-asan -j $(JOBS)

build-fuzz:
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS)

# The browser module (wasm preset): theme-extension/assets/tiercart-core.{js,wasm}, tiercart.js.
build-wasm:
	@cmake --preset wasm >/dev/null
	@cmake --build --preset wasm -j $(JOBS)

# The same core plus its GoogleTest suite compiled with Emscripten, run under Node.
build-wasm-tests: build-wasm
	@cmake --build --preset wasm-tests -j $(JOBS)

test: setup test-native test-asan test-fuzz test-wasm
	@echo "make test: every suite passed"

test-native: build-native
	@ctest --preset native -j $(JOBS)

test-asan: build-asan
	@ctest --preset native-asan -j $(JOBS)

test-fuzz: build-fuzz
	@bash scripts/fuzz-smoke.sh $(FUZZ_SECONDS)

# The core's suite under Node, then the module's own tests: API, fixtures and a 2,000-case
# differential against the native build (build/bin/tiercart_cases), 10,000 malformed inputs.
test-wasm: build-native build-wasm-tests
	@ctest --preset wasm
	@node --test tests/wasm/

demo: build
	@bash scripts/demo.sh

bench: build
	@build/bin/tiercart_bench --benchmark_min_time=0.5
	@node bench/wasm_bench.mjs
	@node bench/wasm_browser_bench.mjs

# Size of what the storefront downloads, and evaluate latency through the JS API.
bench-wasm: setup build-wasm
	@node bench/wasm_bench.mjs
	@node bench/wasm_browser_bench.mjs

# 100,000 seeded random cases, native against wasm (COUNT=... to change).
COUNT ?= 100000
differential-wasm: setup build-native build-wasm
	@node tests/wasm/differential.mjs --count $(COUNT)

format:
	@clang-format -i $$(git ls-files '*.cpp' '*.h')

clean:
	@rm -rf build
