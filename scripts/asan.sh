#!/bin/sh
# scripts/asan.sh — `make asan`: every test under AddressSanitizer and
# UndefinedBehaviorSanitizer, in a tree of its own ($ASAN_DIR, build/asan),
# with the CLI the end-to-end tests run built the same way. Fails on a failing
# test and on any sanitizer report from any process. Why each piece is here
# (STYLE "Sanitizers and valgrind", each observed with gcc 12 and Criterion 2.4):
#
#   -fno-sanitize-recover=all  without it a UBSan error inside a test still passes.
#   exitcode=86                ASan, LSan and UBSan exit 1 by default, which is
#                              plangate's "fail": a test expecting 1 would accept
#                              a memory bug.
#   log_path                   every process (the Criterion workers, the forked
#                              replays, each CLI a test runs) writes its reports
#                              to $ASAN_DIR/san/report.<pid>: a report from a child
#                              whose stderr a test captured still fails the run,
#                              and so does a leak in a Criterion worker, which
#                              alone would not (rc 0, "Passing"). LSan's "thread
#                              was not suspended" notes land there too and are
#                              not reports. The folder is world-writable: a test
#                              runs the CLI as nobody.
#   -Wno-format-truncation     -O1 makes gcc guess at snprintf truncation
#                              differently from -O2; the -O2 build is the warning
#                              gate, this one is for runtime errors.
set -u
cd "$(dirname "$0")/.."
MAKE=${MAKE:-make}
ASAN_DIR=${ASAN_DIR:-build/asan}
ROOT=$(pwd)
case $ASAN_DIR in /*) ;; *) ASAN_DIR=$ROOT/$ASAN_DIR ;; esac # absolute: the tests and logs find it from anywhere
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -O1 -g"

$MAKE BUILD="$ASAN_DIR" OPT="$SAN -Wno-format-truncation" LDFLAGS="$SAN ${LDFLAGS:-}" \
    "$ASAN_DIR/tests" "$ASAN_DIR/plangate" || exit 1
rm -rf "$ASAN_DIR/log" "$ASAN_DIR/san" && mkdir -p "$ASAN_DIR/san" && chmod 1777 "$ASAN_DIR/san" || exit 1

ASAN_OPTIONS="exitcode=86:detect_leaks=1:log_path=$ASAN_DIR/san/report" \
UBSAN_OPTIONS="exitcode=86:print_stacktrace=1:log_path=$ASAN_DIR/san/report" \
PG_TEST_BINARY="$ASAN_DIR/plangate" \
    "$ASAN_DIR/tests" --jobs 2 2>"$ASAN_DIR/log"
rc=$?
tail -n 30 "$ASAN_DIR/log"
reports=$(grep -l -E 'ERROR: |runtime error|SUMMARY: ' "$ASAN_DIR"/san/report.* 2>/dev/null)
if [ -n "$reports" ]; then
    cat $reports
    echo "asan: sanitizer reports above, from $(echo $reports | wc -w) processes"
    exit 86
fi
if grep -q -E 'Sanitizer|runtime error' "$ASAN_DIR/log"; then
    echo "asan: sanitizer report in $ASAN_DIR/log"
    exit 86
fi
exit $rc
