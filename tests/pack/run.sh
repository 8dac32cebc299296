#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# tests/pack/run.sh GROUP... — the shell tests of installing, packaging and
# the CI recipes (issue 16). Each tests/pack/t_*.sh says its group on a
# "# group: NAME" line and defines functions t_NAME; each function runs in
# its own subshell with `set -eu`, in a fresh scratch folder ($T), with
# stubs first on PATH ($STUBS). The last line is "pack: N passed, M failed".
#   test     (make test)          install, library, headers, completions, recipes
#   release  (make test-release)  the static release binary
#   deb      (make test-deb)      the Debian packages, lintian, the nocheck build
# The Makefile sets SRC, BUILD, MAKE, CC and VERSION.
set -u
: "${SRC:?}" "${BUILD:?}" "${MAKE:=make}" "${CC:=cc}" "${VERSION:?}"
export SRC BUILD MAKE CC VERSION
PACK_LIB="$SRC/tests/pack/lib.sh"
export PACK_LIB

passed=0
failed=0
for file in "$SRC"/tests/pack/t_*.sh; do
    group=$(sed -n 's/^# group: //p' "$file")
    want=0
    for g in "$@"; do [ "$g" = "$group" ] && want=1; done
    [ "$want" = 1 ] || continue
    # shellcheck disable=SC2013 # one function name a word
    for fn in $(sed -n 's/^\(t_[a-z0-9_]*\)() *{*$/\1/p' "$file"); do
        T=$(mktemp -d "${TMPDIR:-/tmp}/pg-pack.XXXXXX")
        chmod 0755 "$T" # tests that drop root (test_io.c) run binaries built here
        log="$T.log"
        (
            export T
            STUBS="$T/.stubs"
            mkdir -p "$STUBS"
            export STUBS
            PATH="$STUBS:$PATH"
            cd "$T"
            set -eu
            # shellcheck source=tests/pack/lib.sh
            . "$PACK_LIB"
            # shellcheck disable=SC1090 # the test file of this loop
            . "$file"
            "$fn"
        ) > "$log" 2>&1
        rc=$?
        name="$(basename "$file" .sh): $fn"
        if [ "$rc" = 0 ]; then
            passed=$((passed + 1))
            echo "ok - $name"
        else
            failed=$((failed + 1))
            echo "not ok - $name (exit $rc)"
            tail -n 40 "$log" | sed 's/^/    /'
        fi
        chmod -R u+w "$T" 2>/dev/null
        rm -rf "$T" "$log"
    done
done
echo "pack: $passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
