#!/bin/sh
# scripts/valgrind.sh — `make valgrind` (docs/robustness.md): memcheck of an
# -O0 -g build ($VG_DIR, build/vg). First the end-to-end suites (every CLI
# they run is traced too), then the CLI directly: each fixture plan with
# every report format, stdin, lint, test, explain. Strict: any error or
# definite/indirect leak in any process, a failing test, or a CLI crash fails.
#
#   valgrind's --error-exitcode does not get out of Criterion's workers, so
#   every process logs to $VG_DIR/logs/*.%p.log and the logs are grepped
#   (STYLE "Sanitizers and valgrind"). The folder is world-writable: a test
#   runs the CLI as nobody, and sets PG_VG_TAG so that process does not
#   reopen the log root made at its fork; that fork's own log is the only one
#   allowed to end without a summary.
#   The CLI run directly keeps its exit code: above 4 is a crash (or
#   valgrind's own error).
set -u
cd "$(dirname "$0")/.."
MAKE=${MAKE:-make}
VG_DIR=${VG_DIR:-build/vg}
VG_SUITES=${VG_SUITES:-'@(e2e|io|cli_usage|report_paths|signals)/*'}
ROOT=$(pwd)
case $VG_DIR in /*) ;; *) VG_DIR=$ROOT/$VG_DIR ;; esac # absolute: the tests and logs find it from anywhere
VG_FLAGS="--vgdb=no --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect
 --track-origins=yes --num-callers=30"

$MAKE BUILD="$VG_DIR" OPT="-O0 -g" "$VG_DIR/tests" "$VG_DIR/plangate" || exit 1
rm -rf "$VG_DIR/logs" && mkdir -p "$VG_DIR/logs" && chmod 1777 "$VG_DIR/logs" || exit 1

# shellcheck disable=SC2086 # VG_FLAGS is a list of words
PG_TEST_BINARY="$VG_DIR/plangate" PG_VG_TAG= valgrind --trace-children=yes $VG_FLAGS \
    --log-file="$VG_DIR/logs/tests.%p%q{PG_VG_TAG}.log" "$VG_DIR/tests" --jobs 1 --filter "$VG_SUITES" \
    >"$VG_DIR/tests.out" 2>&1
rc=$?
grep -E '^\[(FAIL|====)\]' "$VG_DIR/tests.out" | tail -n 20
if [ $rc -ne 0 ]; then
    echo "valgrind: tests failed under memcheck (rc $rc): $VG_DIR/tests.out"
    exit 1
fi

fail=0
cli() {
    # shellcheck disable=SC2086
    valgrind $VG_FLAGS --log-file="$VG_DIR/logs/cli.%p.log" "$VG_DIR/plangate" "$@" >/dev/null 2>&1
    code=$?
    if [ $code -gt 4 ]; then
        echo "valgrind: exit $code: plangate $*"
        fail=1
    fi
}
for p in testdata/plans/*/plan.json; do
    cli check --format json --report text="$VG_DIR/r.txt" --report sarif="$VG_DIR/r.sarif" \
        --report junit="$VG_DIR/r.xml" --report github="$VG_DIR/r.gh" --report markdown="$VG_DIR/r.md" "$p"
done
cli check --color always --quiet - <testdata/plans/demo/plan.json
cli check --policy testdata/policies/ok-spec-example/policy.yaml --backend testdata/backend/s3.tfstate \
    --format sarif testdata/plans/demo/plan.json
cli lint testdata/policies/*/ policies/
cli test policies/
for id in $("$VG_DIR/plangate" explain 2>&1 | sed -n 's/^  \([a-z0-9-]*\)$/\1/p'); do
    cli explain "$id"
done
cli explain no-such-rule
cli version
cli check --no-such-flag
[ $fail -eq 0 ] || exit 1

if grep -l 'ERROR SUMMARY: [1-9]' "$VG_DIR"/logs/*.log; then
    echo "valgrind: errors or leaks in the logs above"
    exit 1
fi
cut=0
for f in "$VG_DIR"/logs/*.log; do
    grep -q 'ERROR SUMMARY' "$f" && continue
    case $f in
    *.nobody.log) ;;
    *) [ -f "${f%.log}.nobody.log" ] && continue ;;
    esac
    echo "valgrind: no ERROR SUMMARY (killed, or its log cut short): $f"
    cut=1
done
[ $cut -eq 0 ] || exit 1
echo "valgrind: clean: $(ls "$VG_DIR/logs" | wc -l) processes, 0 errors, 0 definite or indirect leaks"
