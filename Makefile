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

asan:
	$(MAKE) BUILD=build/asan OPT="$(SAN)" LDFLAGS="$(SAN)" build/asan/tests build/asan/plangate
	ASAN_OPTIONS=exitcode=86:detect_leaks=1 UBSAN_OPTIONS=exitcode=86:print_stacktrace=1 \
	  PG_TEST_BINARY=$(CURDIR)/build/asan/plangate \
	  build/asan/tests --jobs 2 2>build/asan/log; rc=$$?; cat build/asan/log; \
	  if grep -q -E 'Sanitizer|runtime error' build/asan/log; then echo "asan: sanitizer report above"; exit 86; fi; \
	  exit $$rc

valgrind:
	$(MAKE) BUILD=build/vg OPT="-O0 -g" build/vg/tests build/vg/plangate
	rm -f build/vg/vg.*.log
	PG_TEST_BINARY=$(CURDIR)/build/vg/plangate valgrind --trace-children=yes --leak-check=full \
	  --errors-for-leak-kinds=definite,indirect --track-origins=yes \
	  --log-file=build/vg/vg.%p.log build/vg/tests --jobs 1 >/dev/null 2>&1 || true
	@if grep -l 'ERROR SUMMARY: [1-9]' build/vg/vg.*.log; then echo "valgrind: errors in the logs above"; exit 1; fi
	for p in testdata/plans/*/plan.json; do \
	  valgrind -q --error-exitcode=86 --leak-check=full --errors-for-leak-kinds=definite,indirect \
	    build/vg/plangate check --format json $$p >/dev/null 2>&1; \
	  if [ $$? -eq 86 ]; then echo "valgrind: $$p"; exit 1; fi; done
	@echo "valgrind: clean"

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
