# The two commands: `make run` and `make test`. Everything else is a helper.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CONFIG ?= config/switchboard.yaml
CMAKE_FLAGS ?=

.PHONY: all deps configure build run test bench sanitize install clean

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

# ThreadSanitizer build of everything, with the whole suite run under it.
sanitize:
	@$(MAKE) --no-print-directory test BUILD_DIR=build-tsan CMAKE_FLAGS="-DSWITCHBOARD_SANITIZE=thread -DSWITCHBOARD_BUILD_BENCH=OFF"

install: build
	cmake --install $(BUILD_DIR) --prefix $(or $(PREFIX),/usr/local)

clean:
	rm -rf $(BUILD_DIR) build-tsan $(BUILD_DIR).configure.log build-tsan.configure.log
