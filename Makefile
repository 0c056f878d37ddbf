# The two commands: `make run` and `make test`. Everything else is a helper.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CONFIG ?= config/switchboard.yaml
CMAKE_FLAGS ?=

.PHONY: all deps configure build run test test-stress bench soak sanitize sanitize-address sanitize-thread fuzz install clean

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

# The suite again and again while stress-ng keeps every core busy: each test
# runs until it fails, at most STRESS_REPEAT times. A test that fails here
# depends on timing it should not. The whole suite takes hours on two cores;
# STRESS_TESTS (ctest's -R, a regular expression) and STRESS_EXCLUDE (-E)
# take it in parts, e.g. STRESS_TESTS=Recognition.
STRESS_REPEAT ?= 20
STRESS_TESTS ?=
STRESS_EXCLUDE ?=
test-stress: build
	@stress-ng --cpu $(JOBS) --cpu-load 90 --quiet & load=$$!; \
	  cd $(BUILD_DIR) && ctest -j $(JOBS) --output-on-failure --timeout 900 --repeat until-fail:$(STRESS_REPEAT) \
	    $(if $(STRESS_TESTS),-R '$(STRESS_TESTS)') $(if $(STRESS_EXCLUDE),-E '$(STRESS_EXCLUDE)'); \
	  rc=$$?; kill $$load; wait $$load 2>/dev/null; exit $$rc

# The soak (bench/soak/main.cpp): SOAK_SESSIONS real-time voice sessions for
# SOAK_SECONDS under faults on every chain, the upstream killed and
# restarted; fails unless every turn ended, nothing leaked and the breakers
# recovered. CI runs 150 s; docs/operations.md has the figures of both lengths.
SOAK_SECONDS ?= 600
SOAK_SESSIONS ?= 200
soak: build
	$(BUILD_DIR)/bench/soak --seconds $(SOAK_SECONDS) --sessions $(SOAK_SESSIONS)

bench: build
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target benchmarks
	@for b in $(BUILD_DIR)/bench/bench_*; do echo "== $$b"; $$b --benchmark_repetitions=5 --benchmark_report_aggregates_only=true || exit 1; done
	@echo "== $(BUILD_DIR)/bench/loadgen"; $(BUILD_DIR)/bench/loadgen

# Sanitizer builds, each of the tests that exercise what it checks and of
# what those tests need (SWITCHBOARD_TESTS): AddressSanitizer with
# UndefinedBehaviorSanitizer over the whole suite but the recognition-quality
# and browser tests (their time goes to PocketSphinx and Chromium, which are
# not instrumented); ThreadSanitizer over the code that runs on more than one
# thread: the core's executors and strands, the audio ring, the chains and
# breakers, sessions, the server library and the native transport served.
# They cannot share a build. `make sanitize` runs both.
# Leak checking is off: the offline engines' libraries (flite, eSpeak NG,
# PocketSphinx) keep what they allocate until the process ends; the test
# harness's own check that every plugin instance is released stands instead.
SANITIZER_ENV = ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:strict_string_checks=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1

sanitize: sanitize-address sanitize-thread

empty :=
space := $(empty) $(empty)
cmake_list = $(subst $(space),;,$(strip $(1)))
ASAN_TESTS = unit_config_tests unit_plugin_tests unit_plugin_test_tests unit_app_tests unit_audio_tests unit_admin_tests unit_core_tests \
	unit_store_tests unit_documents_tests unit_conversation_tests unit_resilience_tests plugin_tests \
	pocketsphinx_domain_model_tests sdk_support_tests sdk_server_tests provider_plugin_tests youworker_parts_tests voice_api_parts_tests \
	integration_offline_voice_tests integration_cli_tests integration_provider_tests integration_all_apis_tests \
	integration_failover_voice_tests conformance_voice_assistant_tests conformance_poppins_tests \
	conformance_conversational_tests conformance_voxtral_tests conformance_youworker_tests \
	conformance_websocket_tests security_tests fuzz_corpus_tests integration_lifecycle_tests \
	integration_operator_cli_tests integration_two_hosts_tests
TSAN_TESTS = unit_core_tests unit_audio_tests unit_store_tests unit_conversation_tests unit_resilience_tests \
	unit_plugin_tests unit_plugin_test_tests sdk_server_tests conformance_voice_assistant_tests integration_lifecycle_tests

sanitize-address:
	@$(SANITIZER_ENV) $(MAKE) --no-print-directory test BUILD_DIR=build-asan \
	  CMAKE_FLAGS="-DSWITCHBOARD_SANITIZE='address;undefined' -DSWITCHBOARD_BUILD_BENCH=OFF '-DSWITCHBOARD_TESTS=$(call cmake_list,$(ASAN_TESTS))'"

sanitize-thread:
	@$(SANITIZER_ENV) $(MAKE) --no-print-directory test BUILD_DIR=build-tsan \
	  CMAKE_FLAGS="-DSWITCHBOARD_SANITIZE=thread -DSWITCHBOARD_BUILD_BENCH=OFF '-DSWITCHBOARD_TESTS=$(call cmake_list,$(TSAN_TESTS))'"

# The fuzz targets (tests/fuzz/) as libFuzzer binaries, built with clang, each
# run for FUZZ_SECONDS from its seed corpus; what they find new goes to
# build-fuzz/corpus/<name>/, a crash to build-fuzz/crashes/ (add it to the
# seed corpus with the fix).
# FUZZ_RUNS instead: that many inputs each, from a fixed seed (what CI runs,
# the same inputs every time).
FUZZ_SECONDS ?= 60
FUZZ_RUNS ?=
FUZZ_DIR = build-fuzz
FUZZ_BOUND = $(if $(FUZZ_RUNS),-runs=$(FUZZ_RUNS) -seed=1,-max_total_time=$(FUZZ_SECONDS))
fuzz: deps
	@CC=clang CXX=clang++ cmake -S . -B $(FUZZ_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DSWITCHBOARD_FUZZ=ON \
	  > $(FUZZ_DIR).configure.log 2>&1 || { cat $(FUZZ_DIR).configure.log; exit 1; }
	@cmake --build $(FUZZ_DIR) -j $(JOBS)
	@mkdir -p $(FUZZ_DIR)/crashes
	@for target in $(FUZZ_DIR)/bin/fuzz_*; do \
	  name=$${target##*/fuzz_}; mkdir -p $(FUZZ_DIR)/corpus/$$name; \
	  echo "== $$name ($(FUZZ_BOUND))"; \
	  $$target $(FUZZ_BOUND) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_DIR)/crashes/$$name- $(FUZZ_DIR)/corpus/$$name tests/fuzz/corpus/$$name \
	    2> $(FUZZ_DIR)/$$name.log || { tail -60 $(FUZZ_DIR)/$$name.log; exit 1; }; \
	  grep -E "stat::number_of_executed_units|stat::new_units_added" $(FUZZ_DIR)/$$name.log | tr '\n' ' '; echo; \
	done

install: build
	cmake --install $(BUILD_DIR) --prefix $(or $(PREFIX),/usr/local)

clean:
	rm -rf $(BUILD_DIR) build-tsan build-asan build-fuzz build-fuzz.configure.log $(BUILD_DIR).configure.log build-tsan.configure.log build-asan.configure.log
