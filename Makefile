# The two commands a new user needs: `make run` and `make test`. Everything else is a step of them.
BUILD ?= build
BUILD_TYPE ?= Release
SLUICE := $(BUILD)/cli/sluice
PG_ENV = eval "$$(scripts/pg-local env)"

.PHONY: run test test-sanitize fuzz bootstrap build data test-unit pg-start pg-stop s3-start s3-stop clean

run: build data
	scripts/pg-local start
	@$(PG_ENV) && $(SLUICE) ingest examples/data --progress auto; \
	  code=$$?; echo "(query it: scripts/pg-local psql -c 'select count(*) from sluice.readings')"; \
	  [ $$code -le 1 ]

test: build
	scripts/run-tests $(BUILD)

bootstrap:
	scripts/bootstrap

build: bootstrap
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null
	cmake --build $(BUILD)

data:
	@[ -f examples/data/expected.json ] || scripts/gen-data examples/data

SANITIZER_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/sanitizers/lsan.supp
# Under ASan the integration tests run 2-3x slower: CI runs every unit test and the integration tests
# that cover each code path once (parse, load, replace, concurrency, folders, S3, Kafka, corpus, the blocks layout,
# retention), in the rows layout only (pg_blocks_test covers the blocks code);
# `make test-sanitize SANITIZE_INTEGRATION=.` runs them all.
SANITIZE_INTEGRATION ?= ^(pg_(ingest|acceptance|corpus|corrupt|reload|concurrent|quoting|formats|folder|shard|ledger|data_error|blocks|retention|stream)|kafka_(load|poison|admission)|s3_ingest|examples)_test$$

# ASan+UBSan build of everything; unit and integration tests run with the sanitized binary.
# GCC 12's -Wmaybe-uninitialized gives false positives under -fsanitize (in std::regex's std::function).
# -O1 -g1 (line tables, enough for ASan's stack traces) compiles in half the time of -O2 -g: the sanitizer
# build was most of CI's time.
test-sanitize: bootstrap
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSLUICE_SANITIZE=ON \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" -DCMAKE_CXX_FLAGS=-Wno-maybe-uninitialized >/dev/null
	cmake --build build-asan
	$(SANITIZER_ENV) scripts/run-tests build-asan -L unit
	$(SANITIZER_ENV) scripts/run-tests build-asan -R '$(SANITIZE_INTEGRATION)'

# libFuzzer targets (clang) in build-fuzz, each run for FUZZ_SECONDS (default 60); a crash fails.
FUZZ_SECONDS ?= 60
fuzz: bootstrap
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz build-fuzz

test-unit: build
	ctest --test-dir $(BUILD) -L unit --output-on-failure

pg-start:
	scripts/pg-local start

pg-stop:
	scripts/pg-local stop

s3-start:
	scripts/s3-local start

s3-stop:
	scripts/s3-local stop

clean:
	rm -rf $(BUILD) build-* examples/data
