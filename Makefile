# motcua - the two commands: `make run` and `make test`.
# Both install what is missing on Debian 12 (scripts/setup.sh), then build.

BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
LISTEN     ?= 127.0.0.1:8080
PUBLIC_URL ?= http://$(LISTEN)
DB         ?= var/motcua.db

.PHONY: all setup build asan run test test-unit test-asan test-api clean format screenshots deb

all: build

setup:
	@bash scripts/setup.sh

build: setup
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

asan: setup
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DMC_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)

# Starts a fresh demo province on SQLite, in 2017 and after the reorganisation of
# 1 July 2025 (docs/units.md §5); the demo accounts' password is printed.
# Fees are paid to the in-process test provider, which takes no money (docs/payments.md §4).
run: build
	@mkdir -p $(dir $(DB))
	@rm -f $(DB) $(DB)-wal $(DB)-shm
	@./$(BUILD)/motcua init --db $(DB) --demo --reorganised
	@MOTCUA_PAYMENT_TEST_PROVIDER=true MOTCUA_PUBLIC_URL=$(PUBLIC_URL) exec ./$(BUILD)/motcua serve --db $(DB) --listen $(LISTEN)

# The Debian package of the build (scripts/deb.sh): $(BUILD)/motcua_<version>_<arch>.deb.
deb: build
	@bash scripts/deb.sh $(BUILD)

test: build asan
	@bash scripts/test.sh

test-unit: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-api: build
	@node --test --test-concurrency=1 tests/api/

# The tests keep their screenshots and form pictures under $(BUILD)/pictures; this
# runs the tests that take them and copies the pictures into docs/.
screenshots: build
	@rm -rf $(BUILD)/pictures
	@MOTCUA_BIN="$$PWD/$(BUILD)/motcua" MOTCUA_SHOTS="$$PWD/$(BUILD)/pictures/screenshots" \
	  MOTCUA_FORMS_PICTURES="$$PWD/$(BUILD)/pictures/forms" \
	  node --test --test-concurrency=1 tests/api/forms.test.mjs tests/api/reports.test.mjs tests/browser/
	@mkdir -p docs/screenshots docs/forms
	@cp $(BUILD)/pictures/screenshots/*.png docs/screenshots/
	@cp $(BUILD)/pictures/forms/*.png docs/forms/

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)

format:
	@clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'bench/*.c')

.PHONY: bench
bench: build
	@bash bench/run.sh
