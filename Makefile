# plangate — a plain Makefile is the menu:
#   make            build/plangate and build/libplangate.a (a C11 compiler, pkg-config, jansson, libyaml)
#   make deps       install what the build and the tests need (scripts/deps.sh: apt-get as root,
#                   else the exact command); the only target that installs anything
#   make demo       run the gate on the bundled example plan with the default policies
#   make test       build and run every test (unit, end-to-end, conformance; needs Criterion)
#   make asan       the tests under AddressSanitizer + UndefinedBehaviorSanitizer (scripts/asan.sh)
#   make valgrind   memcheck of the CLI and of the end-to-end tests (scripts/valgrind.sh)
#   make fuzz       libFuzzer targets (FUZZ_SECONDS=…)
#   make bench      performance against a bare scan and jq (bench/)
#   make lint checksrc install clean
#
# Knobs: CC, OPT (default -O2 -g), WERROR=1 (warnings are errors; CI sets
# it), CPPFLAGS/CFLAGS/LDFLAGS/LDLIBS (appended after ours, so they win),
# BUILD (the output folder), SHARED (the real-plan corpus, ../shared).

.SUFFIXES:

BUILD   ?= build
PREFIX  ?= /usr/local
CC      ?= cc
OPT     ?= -O2 -g
WERROR  ?= 0
SHARED  ?= $(CURDIR)/../shared
CSTD     = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN     = -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion \
           -Wstrict-prototypes -Wmissing-prototypes -Wold-style-definition -Wcast-qual \
           -Wwrite-strings -Wformat=2 -Wundef -Wvla -Wpointer-arith \
           -Wdouble-promotion -Wimplicit-fallthrough
ifeq ($(WERROR),1)
WARN    += -Werror
endif

# Dependencies come through pkg-config. These are recursive (=) on purpose:
# pkg-config runs when a recipe needs the flags, not while make reads this
# file, so `make deps test` installs first and computes the flags after.
PKG_CFLAGS  = $(shell pkg-config --cflags jansson yaml-0.1 2>/dev/null)
PKG_LIBS    = $(shell pkg-config --libs jansson yaml-0.1 2>/dev/null)
CRIT_CFLAGS = $(shell pkg-config --cflags criterion 2>/dev/null)
CRIT_LIBS   = $(shell pkg-config --libs criterion 2>/dev/null)

ALL_CFLAGS = $(CSTD) $(WARN) $(OPT) -Iinclude -Isrc -I$(BUILD)/gen $(PKG_CFLAGS) -MMD -MP $(CPPFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(LDFLAGS)
LIBS = $(PKG_LIBS) -lpthread $(LDLIBS)

LIB_SRC  := $(sort $(shell find src -name '*.c' ! -path 'src/cli/*'))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/*.c tests/e2e/*.c tests/support/*.c))
POLICIES := $(sort $(wildcard policies/*.yaml))

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/default_policies.o
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/obj/%.o)

all: $(BUILD)/plangate

# Before compiling, say what is missing (with the Debian command and the
# generic names), never install it: that is `make deps`, run on purpose.
# Order-only, so a check that passes never forces a rebuild.
build-deps-ok:
	@CC="$(CC)" sh scripts/deps.sh check build
test-deps-ok:
	@CC="$(CC)" sh scripts/deps.sh check test
$(LIB_OBJ) $(CLI_OBJ) $(BUILD)/tools/embed: | build-deps-ok
$(TEST_OBJ): | test-deps-ok
ifneq ($(filter deps,$(MAKECMDGOALS)),)
build-deps-ok test-deps-ok: deps
endif

# What `make deps` installs: only the build's needs when the other goals only
# build, run or install (`make deps demo`), the test framework too otherwise.
DEPS_GOALS := $(filter-out deps,$(MAKECMDGOALS))
DEPS_SET := $(if $(DEPS_GOALS),$(if $(filter-out all demo install $(BUILD)/plangate,$(DEPS_GOALS)),test,build),test)
deps:
	sh scripts/deps.sh install $(DEPS_SET)

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
	  -DPG_TESTDATA=\"$(CURDIR)/testdata\" -DPG_SHARED=\"$(SHARED)\" \
	  -DPG_BINARY=\"$(abspath $(BUILD)/plangate)\" -DPG_SRCDIR=\"$(CURDIR)\" -c -o $@ $<

# The default policy pack is compiled into the binary (never hand-edited).
$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(@D)
	$(CC) $(CSTD) -O1 $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ tools/embed.c

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

# The corpus tests skip without $(SHARED)/corpus; the last line says so.
test: $(BUILD)/plangate $(BUILD)/tests
	@$(BUILD)/tests --jobs 2; rc=$$?; \
	  if [ ! -d "$(SHARED)/corpus" ]; then \
	    echo "make test: $(SHARED)/corpus is absent: the real-plan corpus tests were skipped"; fi; \
	  exit $$rc

# The sanitizer and memcheck runs, and why each of their pieces is there, are
# in their scripts (STYLE "Sanitizers and valgrind").
ASAN_DIR ?= build/asan
VG_DIR   ?= build/vg
asan:
	MAKE="$(MAKE)" ASAN_DIR="$(ASAN_DIR)" sh scripts/asan.sh
valgrind:
	MAKE="$(MAKE)" VG_DIR="$(VG_DIR)" sh scripts/valgrind.sh

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

.PHONY: all deps build-deps-ok test-deps-ok demo test asan valgrind checksrc lint bench fuzz install clean

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
