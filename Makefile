# Two commands matter: `make run` (server on embedded SQLite) and `make test` (every test).
# Both install missing Debian packages first (scripts/install-deps.sh).
PRESET ?= release
BUILD_DIR := build/$(PRESET)
BIN := $(BUILD_DIR)/immersion-tracker
CTEST_JOBS ?= 2

.PHONY: all deps test-deps build test run bench debug test-debug test-sanitize format clean lambda-zip fuzz fuzz-ci

all: build

deps:
	@scripts/install-deps.sh

# Also Chromium, for the dashboard's browser tests.
test-deps:
	@scripts/install-deps.sh --test

$(BUILD_DIR)/build.ninja:
	@cmake --preset $(PRESET) >/dev/null

build: deps $(BUILD_DIR)/build.ninja
	@cmake --build --preset $(PRESET)

test: test-deps build
	@ctest --preset $(PRESET) -j $(CTEST_JOBS)

run: build
	$(BIN) serve $(ARGS)

# Debug build with AddressSanitizer + UndefinedBehaviorSanitizer, and its tests.
debug:
	@$(MAKE) --no-print-directory build PRESET=debug

test-debug:
	@$(MAKE) --no-print-directory test PRESET=debug

# The unit and integration suites built with AddressSanitizer and UndefinedBehaviorSanitizer;
# any report fails the test. .ci/run runs it. The integration suite runs on SQLite only here
# (`make test` runs it on DynamoDB too): the DynamoDB store's code is exercised under the
# sanitizers by the store contract suite (unit), on moto_server, at a quarter of the time.
test-sanitize:
	@$(MAKE) --no-print-directory build PRESET=debug
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --preset debug -j $(CTEST_JOBS) -R '^(unit|integration)\.' -E '^integration\.dynamodb\.'

bench: build
	@scripts/install-deps.sh --bench
	@bench/run.sh $(BIN)
	@bench/immersion.sh $(BIN)
	@bench/logs.sh $(BIN)
	@bench/import.sh $(BIN)
	@bench/dynamodb.sh $(BIN)
	@bench/hostile.py $(BIN)
	@bench/dashboard.sh $(BIN)
	@bench/lambda_cold_start.py $(BIN)
	@bench/providers.sh $(BIN)

# libFuzzer targets (clang, preset fuzz) for every parser of untrusted input, each run for a
# bounded time on a copy of its seed corpus (scripts/fuzz.sh; fuzz/).
fuzz: deps
	@scripts/fuzz.sh 60

fuzz-ci: deps
	@scripts/fuzz.sh 5

# AWS Lambda deployment zip (runtime provided.al2023, x86_64): the stripped binary with every
# shared library it loads, glibc's loader included, and a `bootstrap` (scripts/package-lambda.sh).
lambda-zip: build
	@scripts/package-lambda.sh $(BIN) build/lambda/immersion-tracker-lambda.zip

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build
