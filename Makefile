# The two commands a new user needs: `make run` and `make test`. Everything else is a step of them.
BUILD ?= build
BUILD_TYPE ?= Release
SLUICE := $(BUILD)/cli/sluice
PG_ENV = eval "$$(scripts/pg-local env)"

.PHONY: run test bootstrap build data test-unit pg-start pg-stop s3-start s3-stop clean

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
