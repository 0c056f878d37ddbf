# The two commands: `make run` and `make test`. Everything else is a helper.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CONFIG ?= config/switchboard.yaml
CMAKE_FLAGS ?=

.PHONY: all deps configure build run test bench sanitize sanitize-address sanitize-thread install clean

all: build

# Installs missing Debian packages; does nothing when all are present.
deps:
	@bash scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) > $(BUILD_DIR).configure.log 2>&1 \
	  || { cat $(BUILD_DIR).configure.log; exit 1; }

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	exec $(BUILD_DIR)/bin/switchboard --config $(CONFIG)

test: build
	cd $(BUILD_DIR) && ctest -j $(JOBS) --output-on-failure --timeout 300

bench: build
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target benchmarks
	@for b in $(BUILD_DIR)/bench/bench_*; do echo "== $$b"; $$b --benchmark_repetitions=5 --benchmark_report_aggregates_only=true || exit 1; done
	@echo "== $(BUILD_DIR)/bench/loadgen"; $(BUILD_DIR)/bench/loadgen

# Sanitizer builds of everything but the benchmarks, each with the whole
# suite run under it: AddressSanitizer with UndefinedBehaviorSanitizer, and
# ThreadSanitizer (they cannot share a build). `make sanitize` runs both.
# Leak checking is off: the offline engines' libraries (flite, eSpeak NG,
# PocketSphinx) keep what they allocate until the process ends; the test
# harness's own check that every plugin instance is released stands instead.
SANITIZER_ENV = ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:strict_string_checks=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1

sanitize: sanitize-address sanitize-thread

sanitize-address:
	@$(SANITIZER_ENV) $(MAKE) --no-print-directory test BUILD_DIR=build-asan \
	  CMAKE_FLAGS="-DSWITCHBOARD_SANITIZE='address;undefined' -DSWITCHBOARD_BUILD_BENCH=OFF"

sanitize-thread:
	@$(SANITIZER_ENV) $(MAKE) --no-print-directory test BUILD_DIR=build-tsan \
	  CMAKE_FLAGS="-DSWITCHBOARD_SANITIZE=thread -DSWITCHBOARD_BUILD_BENCH=OFF"

install: build
	cmake --install $(BUILD_DIR) --prefix $(or $(PREFIX),/usr/local)

clean:
	rm -rf $(BUILD_DIR) build-tsan build-asan $(BUILD_DIR).configure.log build-tsan.configure.log build-asan.configure.log
