# plangate — a plain Makefile is the menu:
#   make            build/plangate and build/libplangate.a
#   make demo       run the gate on the bundled example plan with the default policies
#   make test       build and run every test (unit, end-to-end, conformance)
#   make asan       the tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   make valgrind   memcheck of the CLI and of the end-to-end tests
#   make fuzz       libFuzzer targets (FUZZ_SECONDS=…)
#   make bench      performance against a bare scan and jq (bench/)
#   make lint checksrc install clean

.SUFFIXES:

BUILD   ?= build
PREFIX  ?= /usr/local
CC      ?= cc
OPT     ?= -O2 -g
CSTD     = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN     = -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion \
           -Wstrict-prototypes -Wmissing-prototypes -Wold-style-definition -Wcast-qual \
           -Wwrite-strings -Wformat=2 -Wundef -Wvla -Wpointer-arith \
           -Wdouble-promotion -Wimplicit-fallthrough -Werror
SAN      = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -O1 -g

# Dependencies come from Debian through pkg-config; scripts/deps.sh installs
# them (as root) or prints the exact command, before anything is compiled.
ifeq ($(filter clean checksrc,$(MAKECMDGOALS)),)
DEPS_OK := $(shell sh scripts/deps.sh >&2 && echo ok)
ifneq ($(DEPS_OK),ok)
$(error build dependencies are missing: see the message above)
endif
endif

PKG_CFLAGS := $(shell pkg-config --cflags jansson yaml-0.1 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs jansson yaml-0.1 2>/dev/null)
CRIT_CFLAGS := $(shell pkg-config --cflags criterion 2>/dev/null)
CRIT_LIBS   := $(shell pkg-config --libs criterion 2>/dev/null)

ALL_CFLAGS = $(CSTD) $(WARN) $(OPT) $(CFLAGS) -Iinclude -Isrc -I$(BUILD)/gen $(PKG_CFLAGS) -MMD -MP
ALL_LDFLAGS = $(LDFLAGS)
LIBS = $(PKG_LIBS) -lpthread

LIB_SRC  := $(sort $(shell find src -name '*.c' ! -path 'src/cli/*'))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/*.c tests/e2e/*.c tests/support/*.c))
POLICIES := $(sort $(wildcard policies/*.yaml))

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/default_policies.o
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/obj/%.o)

all: $(BUILD)/plangate

$(BUILD)/libplangate.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $(LIB_OBJ)

$(BUILD)/plangate: $(CLI_OBJ) $(BUILD)/libplangate.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libplangate.a $(LIBS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/obj/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CRIT_CFLAGS) -Itests/support \
	  -DPG_TESTDATA=\"$(CURDIR)/testdata\" -DPG_SHARED=\"$(CURDIR)/../shared\" \
	  -DPG_BINARY=\"$(CURDIR)/$(BUILD)/plangate\" -DPG_SRCDIR=\"$(CURDIR)\" -c -o $@ $<

# The default policy pack is compiled into the binary (never hand-edited).
$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(@D)
	$(CC) $(CSTD) -O1 -o $@ tools/embed.c

$(BUILD)/gen/default_policies.c: $(POLICIES) $(BUILD)/tools/embed
	@mkdir -p $(@D)
	$(BUILD)/tools/embed $(POLICIES) > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/gen/default_policies.o: $(BUILD)/gen/default_policies.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -c -o $@ $<

$(BUILD)/tests: $(TEST_OBJ) $(BUILD)/libplangate.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(TEST_OBJ) $(BUILD)/libplangate.a $(LIBS) $(CRIT_LIBS)

demo: $(BUILD)/plangate
	@echo "\$$ $(BUILD)/plangate check testdata/plans/demo/plan.json"
	@$(BUILD)/plangate check testdata/plans/demo/plan.json; rc=$$?; \
	  echo "(exit code $$rc: 0 pass, 1 fail — the demo plan is meant to fail)"; \
	  test $$rc -le 1

test: $(BUILD)/plangate $(BUILD)/tests
	$(BUILD)/tests --jobs 2

# Every process (the test workers, the forked replays, each CLI a test runs)
# writes its sanitizer reports to $(ASAN_DIR)/san/report.<pid> (log_path): a report
# from a child whose stderr a test captured still fails the target, and so
# does one from a Criterion worker, whose leak alone would not (STYLE traps).
# (LSan's "thread was not suspended" notes land there too and are not reports;
# the folder is world-writable: a test runs the CLI as nobody.)
ASAN_DIR ?= build/asan
# -O1 makes gcc guess at snprintf truncation differently from -O2; the -O2
# build is the warning gate, the sanitizer build is for runtime errors.
SAN_NOWARN = -Wno-format-truncation
ASAN_RUN_OPTIONS = ASAN_OPTIONS=exitcode=86:detect_leaks=1:log_path=$(CURDIR)/$(ASAN_DIR)/san/report \
  UBSAN_OPTIONS=exitcode=86:print_stacktrace=1:log_path=$(CURDIR)/$(ASAN_DIR)/san/report
asan:
	$(MAKE) BUILD=$(ASAN_DIR) OPT="$(SAN) $(SAN_NOWARN)" LDFLAGS="$(SAN)" $(ASAN_DIR)/tests $(ASAN_DIR)/plangate
	rm -rf $(ASAN_DIR)/log $(ASAN_DIR)/san && mkdir -p $(ASAN_DIR)/san && chmod 1777 $(ASAN_DIR)/san
	$(ASAN_RUN_OPTIONS) PG_TEST_BINARY=$(CURDIR)/$(ASAN_DIR)/plangate \
	  $(ASAN_DIR)/tests --jobs 2 2>$(ASAN_DIR)/log; rc=$$?; tail -n 30 $(ASAN_DIR)/log; \
	  reports=$$(grep -l -E 'ERROR: |runtime error|SUMMARY: ' $(ASAN_DIR)/san/report.* 2>/dev/null); \
	  if [ -n "$$reports" ]; then cat $$reports; \
	    echo "asan: sanitizer reports above, from $$(echo $$reports | wc -w) processes"; exit 86; fi; \
	  if grep -q -E 'Sanitizer|runtime error' $(ASAN_DIR)/log; then echo "asan: sanitizer report in $(ASAN_DIR)/log"; exit 86; fi; \
	  exit $$rc

# memcheck (docs/robustness.md): the end-to-end suites (every CLI they run is
# traced too), then the CLI directly: each fixture plan with every report
# format, stdin, lint, test, explain. Strict: any error or definite/indirect
# leak in any process, a failing test, or a CLI crash fails the target.
# valgrind's --error-exitcode does not get out of Criterion's workers, so
# every process logs to $(VG_DIR)/logs/*.%p.log and the logs are grepped
# (the folder is world-writable: a test runs the CLI as nobody, and sets
# PG_VG_TAG so that process does not reopen the log root made at its fork;
# that fork's own log is the only one allowed to end without a summary).
VG_DIR    ?= build/vg
VG_SUITES ?= @(e2e|io|cli_usage)/*
VG_FLAGS   = --vgdb=no --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
             --track-origins=yes --num-callers=30
VG_CLI     = valgrind $(VG_FLAGS) --log-file=$(CURDIR)/$(VG_DIR)/logs/cli.%p.log $(VG_DIR)/plangate
valgrind:
	$(MAKE) BUILD=$(VG_DIR) OPT="-O0 -g" $(VG_DIR)/tests $(VG_DIR)/plangate
	rm -rf $(VG_DIR)/logs && mkdir -p $(VG_DIR)/logs && chmod 1777 $(VG_DIR)/logs
	PG_TEST_BINARY=$(CURDIR)/$(VG_DIR)/plangate PG_VG_TAG= valgrind --trace-children=yes $(VG_FLAGS) \
	  --log-file=$(CURDIR)/$(VG_DIR)/logs/tests.%p%q{PG_VG_TAG}.log $(VG_DIR)/tests --jobs 1 --filter '$(VG_SUITES)' \
	  >$(VG_DIR)/tests.out 2>&1; rc=$$?; grep -E '^\[(FAIL|====)\]' $(VG_DIR)/tests.out | tail -n 20; \
	  if [ $$rc -ne 0 ]; then echo "valgrind: tests failed under memcheck (rc $$rc): $(VG_DIR)/tests.out"; exit 1; fi
	@fail=0; run() { "$$@" >/dev/null 2>&1; rc=$$?; if [ $$rc -gt 4 ]; then echo "valgrind: exit $$rc: $$*"; fail=1; fi; }; \
	for p in testdata/plans/*/plan.json; do \
	  run $(VG_CLI) check --format json --report text=$(VG_DIR)/r.txt --report sarif=$(VG_DIR)/r.sarif \
	    --report junit=$(VG_DIR)/r.xml --report github=$(VG_DIR)/r.gh --report markdown=$(VG_DIR)/r.md $$p; done; \
	run $(VG_CLI) check --color always --quiet - < testdata/plans/demo/plan.json; \
	run $(VG_CLI) check --policy testdata/policies/ok-spec-example/policy.yaml --backend testdata/backend/s3.tfstate \
	  --format sarif testdata/plans/demo/plan.json; \
	run $(VG_CLI) lint testdata/policies/*/ policies/; \
	run $(VG_CLI) test policies/; \
	for id in $$($(VG_DIR)/plangate explain 2>&1 | sed -n 's/^  \([a-z0-9-]*\)$$/\1/p'); do run $(VG_CLI) explain $$id; done; \
	run $(VG_CLI) explain no-such-rule; run $(VG_CLI) version; run $(VG_CLI) check --no-such-flag; \
	test $$fail -eq 0
	@if grep -l 'ERROR SUMMARY: [1-9]' $(VG_DIR)/logs/*.log; then \
	  echo "valgrind: errors or leaks in the logs above"; exit 1; fi
	@cut=0; for f in $(VG_DIR)/logs/*.log; do \
	  grep -q 'ERROR SUMMARY' $$f && continue; \
	  case $$f in *.nobody.log) ;; *) [ -f $${f%.log}.nobody.log ] && continue;; esac; \
	  echo "valgrind: no ERROR SUMMARY (killed, or its log cut short): $$f"; cut=1; done; test $$cut -eq 0
	@echo "valgrind: clean: $$(ls $(VG_DIR)/logs | wc -l) processes, 0 errors, 0 definite or indirect leaks"

tsan: ; sh scripts/tsan.sh

checksrc:
	@if grep -n -E '\b(sprintf|strcpy|strcat|strtok|atoi|gets|alloca)\(' $$(find src -name '*.c' -o -name '*.h'); then \
	  echo "checksrc: banned function above"; exit 1; fi; echo "checksrc: ok"

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability --inline-suppr \
	  -Iinclude -Isrc $(PKG_CFLAGS) src

bench: $(BUILD)/plangate
	sh bench/bench.sh

fuzz:
	$(MAKE) -f fuzz/Makefile FUZZ_SECONDS=$(FUZZ_SECONDS)

install: $(BUILD)/plangate
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/plangate/policies
	cp $(BUILD)/plangate $(DESTDIR)$(PREFIX)/bin/plangate
	if [ -f docs/plangate.1 ]; then cp docs/plangate.1 $(DESTDIR)$(PREFIX)/share/man/man1/plangate.1; fi
	cp $(POLICIES) $(DESTDIR)$(PREFIX)/share/plangate/policies/

clean:
	rm -rf build

.PHONY: all demo test asan valgrind checksrc lint bench fuzz install clean

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
