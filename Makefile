# SPDX-License-Identifier: Apache-2.0
# plangate — a plain Makefile is the menu:
#   make            build/plangate, build/libplangate.a, build/libplangate.so.0 and build/plangate.pc
#                   (a C11 compiler, pkg-config, jansson, libyaml)
#   make deps       install what the build and the tests need (scripts/deps.sh: apt-get as root,
#                   else the exact command); the only target that installs anything
#   make demo       run the gate on the bundled example plan with the default policies
#   make test       build and run every test (unit, end-to-end, conformance; needs Criterion)
#   make asan       the tests under AddressSanitizer + UndefinedBehaviorSanitizer (scripts/asan.sh)
#   make valgrind   memcheck of the CLI and of the end-to-end tests (scripts/valgrind.sh)
#   make fuzz       libFuzzer targets (FUZZ_SECONDS=…)
#   make bench      performance against a bare scan and jq (bench/)
#   make bench-fixed  the fixed cost of a run against a bare process start
#   make install    the binary, man page, headers, libraries, plangate.pc, completions and the
#                   default pack (DESTDIR, PREFIX, BINDIR, LIBDIR, INCLUDEDIR, MANDIR); make uninstall
#   make release    a static plangate for Linux into build/release/ with SHA256SUMS
#   make deb        the Debian packages from a copy of the tree (build/deb/; DEB_BUILD_OPTIONS=nocheck)
#   make lint checksrc clean
#
# Knobs: CC, OPT (default -O2 -g), WERROR=1 (warnings are errors; CI sets
# it), CPPFLAGS/CFLAGS/LDFLAGS/LDLIBS (appended after ours, so they win),
# BUILD (the output folder), SHARED (the real-plan corpus, ../shared).

.SUFFIXES:
.DEFAULT_GOAL := all

BUILD   ?= build
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
LIBDIR  ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR ?= $(PREFIX)/share
MANDIR  ?= $(DATADIR)/man
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR  ?= $(DATADIR)/zsh/site-functions
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
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

ALL_CFLAGS = $(CSTD) $(WARN) $(OPT) $(PIC) -Iinclude -Isrc -I$(BUILD)/gen $(PKG_CFLAGS) -MMD -MP $(CPPFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(LDFLAGS)
LIBS = $(PKG_LIBS) -lpthread $(LDLIBS)

LIB_SRC  := $(sort $(shell find src -name '*.c' ! -path 'src/cli/*'))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/*.c tests/e2e/*.c tests/support/*.c))
POLICIES := $(sort $(wildcard policies/*.yaml))

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/default_policies.o
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/obj/%.o)
HEADERS  := $(sort $(wildcard include/plangate/*.h))

# The library's version is the program's; the soname changes only when the
# ABI breaks (libplangate.so.0 until 1.0).
VERSION  := $(shell sed -n 's/^\#define PG_VERSION "\(.*\)"/\1/p' include/plangate/plangate.h)
SOVERSION = 0
SONAME    = libplangate.so.$(SOVERSION)
SHLIB     = libplangate.so.$(VERSION)

# The library's objects go into the shared library too: position-independent.
$(LIB_OBJ): PIC = -fPIC

# Objects are rebuilt when the flags change (OPT, CFLAGS, or this Makefile's
# own, such as -fPIC): a stamp holds the flags they were built with.
FLAGS_STAMP = $(BUILD)/obj/flags
# (a checksum of them, so that `make -n` shows no second copy of the flags).
FLAGS_SUM := $(shell printf '%s' '$(subst ','\'',pic $(CC) $(CSTD) $(WARN) $(OPT) $(CPPFLAGS) $(CFLAGS))' | cksum)
$(FLAGS_STAMP): FORCE
	@mkdir -p $(@D)
	@echo '$(FLAGS_SUM)' | cmp -s - $@ || echo '$(FLAGS_SUM)' > $@
$(LIB_OBJ) $(CLI_OBJ) $(TEST_OBJ): $(FLAGS_STAMP)
FORCE:

all: $(BUILD)/plangate $(BUILD)/libplangate.a $(BUILD)/$(SHLIB) $(BUILD)/plangate.pc

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

# Only pg_ symbols leave the shared library (scripts/libplangate.map); the
# soname is libplangate.so.0, with the two links a loader and a linker want.
$(BUILD)/$(SHLIB): $(LIB_OBJ) scripts/libplangate.map
	$(CC) -shared $(ALL_LDFLAGS) -Wl,-soname,$(SONAME) -Wl,--version-script=scripts/libplangate.map \
	  -Wl,-z,defs -o $@ $(LIB_OBJ) $(LIBS)
	ln -sf $(SHLIB) $(BUILD)/$(SONAME)
	ln -sf $(SHLIB) $(BUILD)/libplangate.so

# pkg-config: the public headers include <jansson.h> (Requires); libyaml and
# pthreads are needed only to link the static library (the .private fields).
# make install writes it again with the folders it is given.
PC_SED = sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
  -e 's|@VERSION@|$(VERSION)|' scripts/plangate.pc.in
$(BUILD)/plangate.pc: scripts/plangate.pc.in include/plangate/plangate.h
	@mkdir -p $(@D)
	$(PC_SED) > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/obj/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CRIT_CFLAGS) -Itests/support \
	  -DPG_TESTDATA=\"$(CURDIR)/testdata\" -DPG_SHARED=\"$(SHARED)\" \
	  -DPG_BINARY=\"$(abspath $(BUILD)/plangate)\" -DPG_SRCDIR=\"$(CURDIR)\" -c -o $@ $<

# The default policy pack is compiled into the binary (never hand-edited):
# its text and its YAML node tree, pre-compiled (issue 17). tools/embed
# builds the tree with the library's own yaml_adapter.c, so it links against
# the library's objects (all but the pack it generates: an archive, from
# which the linker takes only what pg_policy__yaml_parse needs).
EMBED_LIB = $(BUILD)/tools/libplangate-core.a
$(EMBED_LIB): $(filter-out $(BUILD)/obj/gen/default_policies.o,$(LIB_OBJ))
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^
$(BUILD)/tools/embed: tools/embed.c $(EMBED_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ tools/embed.c $(EMBED_LIB) $(LIBS)

# The generated files also depend on the list of their inputs (a stamp, like
# the flags'): a file removed from policies/ leaves the binary too.
$(BUILD)/gen/%.list: FORCE
	@mkdir -p $(@D)
	@echo '$(LIST_$*)' | cmp -s - $@ || echo '$(LIST_$*)' > $@
LIST_default_policies = $(POLICIES)
LIST_tree_fixtures = $(TREE_FIXTURES)

$(BUILD)/gen/default_policies.c: $(POLICIES) $(BUILD)/gen/default_policies.list $(BUILD)/tools/embed
	@mkdir -p $(@D)
	$(BUILD)/tools/embed $(POLICIES) > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/gen/default_policies.o: $(BUILD)/gen/default_policies.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -c -o $@ $<

# The tests' own pre-compiled pack: YAML fixtures with what the default pack
# may one day hold (aliases, every scalar type, an empty file, a file the
# adapter rejects), written by the same tool under another name
# (tests/unit/test_policy_pack_tree.c reads it back node for node).
TREE_FIXTURES := $(sort $(wildcard testdata/policies/pack-tree/*.yaml))
$(BUILD)/gen/tree_fixtures.c: $(TREE_FIXTURES) $(BUILD)/gen/tree_fixtures.list $(BUILD)/tools/embed
	@mkdir -p $(@D)
	$(BUILD)/tools/embed -q -s pg_test_tree_fixtures $(TREE_FIXTURES) > $@.tmp && mv $@.tmp $@
$(BUILD)/obj/gen/tree_fixtures.o: $(BUILD)/gen/tree_fixtures.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -c -o $@ $<

$(BUILD)/tests: $(TEST_OBJ) $(BUILD)/obj/gen/tree_fixtures.o $(BUILD)/libplangate.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(TEST_OBJ) $(BUILD)/obj/gen/tree_fixtures.o $(BUILD)/libplangate.a $(LIBS) $(CRIT_LIBS)

demo: $(BUILD)/plangate
	@echo "\$$ $(BUILD)/plangate check testdata/plans/demo/plan.json"
	@$(BUILD)/plangate check testdata/plans/demo/plan.json; rc=$$?; \
	  echo "(exit code $$rc: 0 pass, 1 fail — the demo plan is meant to fail)"; \
	  test $$rc -le 1

# The corpus tests skip without $(SHARED)/corpus; the last line says so.
# Then the install, library and CI-recipe tests (tests/pack/run.sh test).
test: $(BUILD)/plangate $(BUILD)/tests $(BUILD)/tools/yamlsteps all
	@$(BUILD)/tests --jobs 2; rc=$$?; \
	  $(PACK_ENV) sh tests/pack/run.sh test || rc=1; \
	  if [ ! -d "$(SHARED)/corpus" ]; then \
	    echo "make test: $(SHARED)/corpus is absent: the real-plan corpus tests were skipped"; fi; \
	  exit $$rc

# What the shell tests of tests/pack/ are told.
PACK_ENV = MAKE="$(MAKE)" BUILD="$(abspath $(BUILD))" CC="$(CC)" SRC="$(CURDIR)" VERSION="$(VERSION)"

# A test tool: YAML files parsed with libyaml, and the steps of a CI recipe
# written out for the tests to run (tests/pack/yamlsteps.c).
$(BUILD)/tools/yamlsteps: tests/pack/yamlsteps.c | build-deps-ok
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) $(OPT) $(PKG_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(PKG_LIBS)

# The slower packaging tests CI runs (needs what `scripts/deps.sh install
# ci` installs): the release binary, the Debian packages with lintian and
# without Criterion, the zsh completion.
test-packaging: release
	@$(PACK_ENV) sh tests/pack/run.sh release deb zsh

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

# The fixed cost of a run (issue 17): ratios to /bin/true (bench/fixed_cost.sh).
bench-fixed: $(BUILD)/plangate
	PLANGATE=$(BUILD)/plangate sh bench/fixed_cost.sh

fuzz:
	$(MAKE) -f fuzz/Makefile FUZZ_SECONDS=$(FUZZ_SECONDS)

# Everything `make install` writes, so that `make uninstall` removes the same.
INSTALLED = $(BINDIR)/plangate $(MANDIR)/man1/plangate.1 \
  $(addprefix $(INCLUDEDIR)/plangate/,$(notdir $(HEADERS))) \
  $(LIBDIR)/libplangate.a $(LIBDIR)/$(SHLIB) $(LIBDIR)/$(SONAME) $(LIBDIR)/libplangate.so \
  $(PKGCONFIGDIR)/plangate.pc $(BASHCOMPDIR)/plangate $(ZSHCOMPDIR)/_plangate \
  $(addprefix $(DATADIR)/plangate/policies/,$(notdir $(POLICIES)))

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(INCLUDEDIR)/plangate \
	  $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) \
	  $(DESTDIR)$(DATADIR)/plangate/policies
	install -m 0755 $(BUILD)/plangate $(DESTDIR)$(BINDIR)/plangate
	install -m 0644 docs/plangate.1 $(DESTDIR)$(MANDIR)/man1/plangate.1
	install -m 0644 $(HEADERS) $(DESTDIR)$(INCLUDEDIR)/plangate/
	install -m 0644 $(BUILD)/libplangate.a $(DESTDIR)$(LIBDIR)/libplangate.a
	install -m 0644 $(BUILD)/$(SHLIB) $(DESTDIR)$(LIBDIR)/$(SHLIB)
	ln -sf $(SHLIB) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libplangate.so
	$(PC_SED) > $(DESTDIR)$(PKGCONFIGDIR)/plangate.pc && chmod 0644 $(DESTDIR)$(PKGCONFIGDIR)/plangate.pc
	install -m 0644 completions/plangate.bash $(DESTDIR)$(BASHCOMPDIR)/plangate
	install -m 0644 completions/_plangate $(DESTDIR)$(ZSHCOMPDIR)/_plangate
	install -m 0644 $(POLICIES) $(DESTDIR)$(DATADIR)/plangate/policies/

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(INCLUDEDIR)/plangate $(DESTDIR)$(DATADIR)/plangate/policies \
	  $(DESTDIR)$(DATADIR)/plangate 2>/dev/null

# A static binary for Linux: its own object tree (no -g, no build paths in
# it), stripped, named for the machine, with its checksum.
RELEASE_DIR  = $(BUILD)/release
RELEASE_NAME = plangate-linux-$(shell uname -m)
release: | build-deps-ok
	$(MAKE) BUILD=$(BUILD)/release-obj OPT=-O2 \
	  CFLAGS="-ffile-prefix-map=$(CURDIR)/= $(CFLAGS)" LDFLAGS="-static $(LDFLAGS)" $(BUILD)/release-obj/plangate
	@mkdir -p $(RELEASE_DIR)
	strip -o $(RELEASE_DIR)/$(RELEASE_NAME) $(BUILD)/release-obj/plangate
	cd $(RELEASE_DIR) && sha256sum $(RELEASE_NAME) > SHA256SUMS
	@echo "make release: $(RELEASE_DIR)/$(RELEASE_NAME) and $(RELEASE_DIR)/SHA256SUMS"

# dpkg-buildpackage writes its packages beside the source folder, so it runs
# on a copy of the tracked files (git ls-files, or the whole tree without
# build/ outside a repository) in build/deb/.
# DEB_BUILD_OPTIONS=nocheck also selects the nocheck build profile, which
# drops Criterion from the build dependencies (debian/control).
DEB_DIR = $(BUILD)/deb
DEB_FLAGS ?= $(if $(filter nocheck,$(DEB_BUILD_OPTIONS)),-Pnocheck)
deb:
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/plangate-$(VERSION)
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
	  git ls-files -z | xargs -0 cp --parents -t $(DEB_DIR)/plangate-$(VERSION); \
	else tar --exclude=./build -cf - . | tar -xf - -C $(DEB_DIR)/plangate-$(VERSION); fi
	cd $(DEB_DIR)/plangate-$(VERSION) && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BUILD \
	  dpkg-buildpackage -us -uc -b $(DEB_FLAGS)

clean:
	rm -rf build

.PHONY: all deps build-deps-ok test-deps-ok demo test test-packaging asan valgrind checksrc lint bench bench-fixed \
  fuzz install uninstall release deb clean

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
