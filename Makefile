# The front door. `make demo` runs the main job, `make test` every test suite.
# build, test, demo and bench run setup first; setup installs only what is missing.

JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 10

.PHONY: setup build build-native build-asan build-fuzz test test-native test-asan test-fuzz \
        demo bench format clean

setup:
	@bash scripts/setup.sh

build: setup build-native

build-native:
	@cmake --preset native >/dev/null
	@cmake --build --preset native -j $(JOBS)

build-asan:
	@cmake --preset native-asan >/dev/null
	@cmake --build --preset native-asan -j $(JOBS)

build-fuzz:
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS)

test: setup test-native test-asan test-fuzz
	@echo "make test: every suite passed"

test-native: build-native
	@ctest --preset native -j $(JOBS)

test-asan: build-asan
	@ctest --preset native-asan -j $(JOBS)

test-fuzz: build-fuzz
	@bash scripts/fuzz-smoke.sh $(FUZZ_SECONDS)

demo: build
	@bash scripts/demo.sh

bench: build
	@build/bin/tiercart_bench --benchmark_min_time=0.5

format:
	@clang-format -i $$(git ls-files '*.cpp' '*.h')

clean:
	@rm -rf build
