# The front door. `make demo` runs the main job, `make test` every test suite.
# build, test, demo and bench run setup first; setup installs only what is missing.

JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 10

.PHONY: setup build build-native build-native-tools build-asan build-fuzz build-wasm build-wasm-tests build-web build-admin test \
        test-native test-asan test-fuzz test-wasm test-browser test-theme demo demo-cli bench bench-wasm bench-server \
        bench-storefront bench-what-if bench-server-attack bench-http-layer differential-wasm build-function test-function bench-function \
        build-extension test-extension bench-post-purchase bench-outbox \
        format format-check clean

setup:
	@bash scripts/setup.sh

build: setup build-native build-wasm build-web build-admin build-function

build-native:
	@cmake --preset native >/dev/null
	@cmake --build --preset native -j $(JOBS)

# The release programs the other suites run (the CLI, the server, the differential's case
# generator, the Function's native twin), without compiling the unit suites a second time:
# `make test` runs those once, under the sanitizers (test-asan).
NATIVE_TOOLS = tiercart tiercart-server tiercart_cases tiercart_function_native
build-native-tools:
	@cmake --preset native >/dev/null
	@cmake --build --preset native -j $(JOBS) --target $(NATIVE_TOOLS)

build-asan:
	@cmake --preset native-asan >/dev/null
	@cmake --build --preset native-asan -j $(JOBS)

build-fuzz:
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS)

# The browser module (wasm preset): theme-extension/assets/tiercart-core.{js,wasm}, tiercart.js.
build-wasm: setup
	@cmake --preset wasm >/dev/null
	@cmake --build --preset wasm -j $(JOBS)

# The Shopify Functions: build/function/tiercart-{discount,validation}.wasm (WASI command
# modules, one export per target; docs/function.md).
build-function:
	@cmake --preset function >/dev/null
	@cmake --build --preset function -j $(JOBS)

# The storefront's custom elements and styles, next to the core in the extension's assets. The
# drawer (web/drawer/ and the modules it imports) is bundled by esbuild into one minified ES
# module, tiercart-drawer.js (14.2 -> 9.2 KB brotli: docs/storefront.md); the other files are
# copied as they are (tiercart-util.js for the order status element). tiercart-cart.js and
# tiercart-progress.js live in the bundle: copies left by older builds are removed.
WEB_COPIED = web/tiercart-loader.js web/tiercart-preview.js web/tiercart-order-status.js web/tiercart-util.js \
             web/tiercart-format.js web/tiercart-currencies.js \
             web/tiercart.css web/tiercart-order-status.css
build-web: setup
	@mkdir -p theme-extension/assets
	@cp $(WEB_COPIED) theme-extension/assets/
	@rm -f theme-extension/assets/tiercart-cart.js theme-extension/assets/tiercart-progress.js
	@node_modules/.bin/esbuild web/drawer/tiercart-drawer.js --bundle --format=esm --minify --log-level=warning \
	  --outfile=theme-extension/assets/tiercart-drawer.js

# The merchant's embedded admin page (web/admin/), served by the server at /app from
# --admin-assets: the page's elements bundled by esbuild into one ES module, and its styles.
# Minified: Chart.js (the analytics page's charts) is most of the bundle.
build-admin: setup
	@mkdir -p build/admin
	@node_modules/.bin/esbuild web/admin/tiercart-admin-page.js --bundle --format=esm --minify --log-level=warning \
	  --outfile=build/admin/tiercart-admin.js
	@cp web/admin/tiercart-admin.css build/admin/

# The customer account UI extension (extensions/tiercart-order-status), bundled with esbuild
# into build/extensions/; prints its size (Shopify's limit: 64 KB compressed).
build-extension: setup build-wasm
	@node scripts/build-extension.mjs

# The same core plus its GoogleTest suite compiled with Emscripten, run under Node.
build-wasm-tests: build-wasm
	@cmake --build --preset wasm-tests -j $(JOBS)

# The unit suites run once, under AddressSanitizer and UBSan (test-asan); `make test-native`
# runs them on the release build too. Compiling them twice cost a quarter of `make test`.
test: setup format-check test-asan test-fuzz test-wasm test-function test-browser test-theme test-extension
	@echo "make test: every suite passed"

test-native: build-native
	@ctest --preset native -j $(JOBS)

test-asan: build-asan
	@bash scripts/test-asan.sh

test-fuzz: build-fuzz
	@bash scripts/fuzz-smoke.sh $(FUZZ_SECONDS)

# The core's suite under Node, then the module's own tests: API, fixtures and a 2,000-case
# differential against the native build (build/bin/tiercart_cases), 10,000 malformed inputs.
test-wasm: build-native-tools build-wasm-tests
	@ctest --preset wasm
	@node --test tests/wasm/

# The Function modules under Node's WASI: the fixtures of tests/function-fixtures/ (also run
# natively by test-native), big carts against the native core, 2,000 mutated inputs.
test-function: build-native-tools build-function build-wasm build-web
	@node --test tests/function/

# Real Chromium (Debian's) driven by playwright-core against the demo store on 127.0.0.1.
test-browser: build-native-tools build-wasm build-web build-admin build-function
	@PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 node --test tests/browser/

# The theme app extension: Shopify's theme-check, the block-script gzip budget and the
# platform's limits, then every block rendered with liquidjs and its program checked by the CLI
# and the wasm core (docs/theme-extension.md); the helpers generated from the core's currency
# table checked against `tiercart currencies` (docs/money.md).
test-theme: build-native-tools build-wasm build-web
	@node --test tests/theme/

# The customer account extension's bundle size and helpers, then the bundle in Chromium
# against the native server.
test-extension: build-native-tools build-wasm build-web build-extension
	@PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 node --test tests/extension/

# The main job: the demo store with the drawer, at http://127.0.0.1:$(PORT)/.
PORT ?= 8080
demo: build
	@node demo/server.mjs --port $(PORT)

# The core alone: every example program against the example carts, through the CLI.
demo-cli: build-native
	@bash scripts/demo.sh

bench: build build-function
	@cmake --build --preset native --target tiercart_bench -j $(JOBS)
	@build/bin/tiercart_bench --benchmark_min_time=0.5
	@node bench/function/bench.mjs
	@node bench/wasm_bench.mjs
	@node bench/wasm_browser_bench.mjs
	@bash bench/server/bench.sh
	@bash bench/what_if/bench.sh
	@node bench/server/attack.mjs
	@node bench/server/outbox.mjs
	@node bench/storefront/bench.mjs
	@node bench/storefront/lighthouse.mjs
	@node bench/post_purchase/bench.mjs
	@node scripts/build-extension.mjs

# Function module sizes, executed Wasm instructions for carts of 1, 20, 200 and ~280 lines.
bench-function: setup build-function
	@node bench/function/bench.mjs

# Loader and payload sizes, add-to-cart to drawer painted, Lighthouse with and without the drawer.
bench-storefront: setup build-wasm build-web
	@node bench/storefront/bench.mjs
	@node bench/storefront/lighthouse.mjs

# Orders replayed per second by `tiercart what-if`, at 1,000 and 100,000 orders (RUNS=5).
bench-what-if: setup build-native-tools
	@bash bench/what_if/bench.sh

# Webhook validations/s and p50/p99 at 64 connections, SQLite then PostgreSQL (DURATION=10s).
bench-server: setup build-native
	@bash bench/server/bench.sh

# The server's bounds under attack (compressed, chunked and oversized requests, 300 stalled
# connections): its memory, and whether a normal client is still answered.
bench-server-attack: setup build-native
	@node bench/server/attack.mjs

# Writes to Shopify per second through the outbox, against the demo's stand-in: with Shopify's
# cost bucket (Standard plan) and with the bucket kept full (ORDERS=300).
bench-outbox: setup build-native
	@node bench/server/outbox.mjs

# The server's HTTP layer chosen by measurement: cpp-httplib against Boost.Beast doing the same
# webhook work without storage (needs libboost-dev, a bench-only package; not part of bench).
bench-http-layer: setup
	@bash bench/server/http-layer.sh

# POST /post-purchase/offer p50/p99 on loopback (1 then 8 keep-alive clients, REQUESTS=2000).
bench-post-purchase: setup build-native
	@node bench/post_purchase/bench.mjs
	@node scripts/build-extension.mjs

# Size of what the storefront downloads, and evaluate latency through the JS API.
bench-wasm: setup build-wasm
	@node bench/wasm_bench.mjs
	@node bench/wasm_browser_bench.mjs

# 100,000 seeded random cases, native against wasm (COUNT=... to change).
COUNT ?= 100000
differential-wasm: setup build-native build-wasm
	@node tests/wasm/differential.mjs --count $(COUNT)

# One style, checked by make test (format-check): clang-format for C++, Prettier (120 columns)
# for JavaScript.
CXX_SOURCES = $$(git ls-files '*.cpp' '*.h')
JS_SOURCES = $$(git ls-files '*.js' '*.mjs' '*.ts')

format: setup
	@clang-format -i $(CXX_SOURCES)
	@npx prettier --log-level warn --write $(JS_SOURCES)

format-check: setup
	@clang-format --dry-run -Werror $(CXX_SOURCES)
	@npx prettier --log-level warn --check $(JS_SOURCES)
	@echo "format-check: C++ and JavaScript are formatted"

clean:
	@rm -rf build
