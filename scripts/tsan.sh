#!/bin/sh
# tsan.sh — the decoding thread under ThreadSanitizer (issue 11).
#
# Builds the library in build/tsan with -fsanitize=thread, then runs
#   1. the tests that start the worker thread (each asserts that it did):
#      tests/unit/test_plan_threads.c, the thread tests of
#      tests/e2e/test_mutation.c and tests/unit/test_alloc_fail.c. Criterion
#      cannot run under TSan (its boxfort arena fails to map: Snaipe/Criterion
#      issue 274), so those files are compiled against a small stand-in for
#      the part of Criterion they use (written below into build/tsan/shim),
#      each test in a forked process, as Criterion does;
#   2. the CLI on piped plans (a pipe always gets the thread): every fixture
#      and every corpus plan.
# Any ThreadSanitizer report in any process, a failing test or a CLI crash
# fails the run.    Usage: sh scripts/tsan.sh    (or: make tsan)
set -u
cd "$(dirname "$0")/.."
DIR=${TSAN_DIR:-build/tsan}
CC=${CC:-cc}
SAN="-fsanitize=thread -fno-omit-frame-pointer -O1 -g"
TESTS="plan_threads/* mutation/truncations_with_the_decoding_thread alloc_fail/check_run_every_allocation_threads"

make --no-print-directory BUILD="$DIR" OPT="$SAN -Wno-format-truncation" LDFLAGS="-fsanitize=thread" \
    "$DIR/plangate" "$DIR/libplangate.a" >/dev/null || { echo "tsan: build failed"; exit 1; }

mkdir -p "$DIR/shim/criterion"
cat >"$DIR/shim/criterion/criterion.h" <<'EOF'
/* A stand-in for the part of Criterion the thread tests use (scripts/tsan.sh). */
#ifndef PG_TSAN_SHIM_H
#define PG_TSAN_SHIM_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
struct shim_test {
    const char *suite, *name;
    void (*fn)(void), (*init)(void), (*fini)(void);
    int timeout;
    struct shim_test *next;
};
extern struct shim_test *shim_tests;
void shim_fail(const char *file, int line, const char *expr, const char *fmt, ...)
    __attribute__((format(printf, 4, 5), noreturn));
#define Test(s, n, ...)                                                                                \
    static void s##__##n(void);                                                                        \
    static struct shim_test shim_##s##__##n = {.suite = #s, .name = #n, .fn = s##__##n, __VA_ARGS__}; \
    __attribute__((constructor)) static void shim_reg_##s##__##n(void)                                 \
    {                                                                                                  \
        shim_##s##__##n.next = shim_tests;                                                             \
        shim_tests = &shim_##s##__##n;                                                                 \
    }                                                                                                  \
    static void s##__##n(void)
#define cr_assert(c, ...) do { if (!(c)) shim_fail(__FILE__, __LINE__, #c, "" __VA_ARGS__); } while (0)
#define cr_expect cr_assert
#define cr_assert_eq(a, b, ...) cr_assert((a) == (b), __VA_ARGS__)
#define cr_assert_neq(a, b, ...) cr_assert((a) != (b), __VA_ARGS__)
#define cr_assert_gt(a, b, ...) cr_assert((a) > (b), __VA_ARGS__)
#define cr_assert_leq(a, b, ...) cr_assert((a) <= (b), __VA_ARGS__)
#define cr_assert_null(p, ...) cr_assert((p) == NULL, __VA_ARGS__)
#define cr_assert_not_null(p, ...) cr_assert((p) != NULL, __VA_ARGS__)
#define cr_assert_str_eq(a, b, ...) cr_assert(strcmp((a), (b)) == 0, __VA_ARGS__)
#define cr_assert_fail(...) shim_fail(__FILE__, __LINE__, "fail", "" __VA_ARGS__)
#define cr_log_info(...) (fprintf(stderr, __VA_ARGS__), fputc('\n', stderr))
#define cr_skip_test(...) exit(0)
#endif
EOF
cat >"$DIR/shim/runner.c" <<'EOF'
/* Runs the tests named on the command line ("suite/name", "suite/*"), each in
 * a forked child with an alarm, as Criterion would. */
#include <fnmatch.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/wait.h>
#include <unistd.h>
#include "criterion/criterion.h"
struct shim_test *shim_tests;
void shim_fail(const char *file, int line, const char *expr, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s:%d: assertion failed: %s\n  ", file, line, expr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}
int main(int argc, char **argv)
{
    struct shim_test *t;
    int run = 0, failed = 0, i;
    for (t = shim_tests; t; t = t->next) {
        char id[256];
        int match = 0, status;
        pid_t pid;
        snprintf(id, sizeof id, "%s/%s", t->suite, t->name);
        for (i = 1; i < argc; i++)
            match |= fnmatch(argv[i], id, 0) == 0;
        if (!match)
            continue;
        run++;
        fflush(NULL);
        if ((pid = fork()) == 0) {
            alarm(t->timeout ? (unsigned)t->timeout * 4 : 600);
            if (t->init)
                t->init();
            t->fn();
            if (t->fini)
                t->fini();
            exit(0);
        }
        waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            failed++;
            fprintf(stderr, "[FAIL] %s (status %d)\n", id, status);
        } else {
            fprintf(stderr, "[PASS] %s\n", id);
        }
    }
    fprintf(stderr, "[====] tsan tests: %d run, %d failed\n", run, failed);
    return failed || run == 0;
}
EOF
CFLAGS_T="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $SAN -I$DIR/shim -Iinclude -Isrc -Itests/support \
  -DPG_TESTDATA=\"$PWD/testdata\" -DPG_SHARED=\"$PWD/../shared\" -DPG_BINARY=\"$PWD/$DIR/plangate\" -DPG_SRCDIR=\"$PWD\" \
  $(pkg-config --cflags jansson yaml-0.1)"
# shellcheck disable=SC2086
$CC $CFLAGS_T -o "$DIR/thread-tests" "$DIR/shim/runner.c" tests/unit/test_plan_threads.c tests/e2e/test_mutation.c \
    tests/unit/test_alloc_fail.c tests/support/support.c "$DIR/libplangate.a" \
    $(pkg-config --libs jansson yaml-0.1) -lpthread -fsanitize=thread || { echo "tsan: test build failed"; exit 1; }

rm -rf "$DIR/san" && mkdir -p "$DIR/san"
# exitcode=86: plangate's own codes are 0-4. log_path: a report from any
# process (a forked test, a CLI run) lands in a file of its own.
export TSAN_OPTIONS="exitcode=86 halt_on_error=0 second_deadlock_stack=1 log_path=$PWD/$DIR/san/report"
fail=0

# shellcheck disable=SC2086
"$DIR/thread-tests" $TESTS 2>"$DIR/tests.out" || fail=1
grep -E '^\[(FAIL|====)\]' "$DIR/tests.out"
[ "$fail" -eq 0 ] || tail -n 30 "$DIR/tests.out"

n=0
for p in testdata/plans/*/plan.json ../shared/corpus/plans/*/*.json; do
    [ -f "$p" ] || continue
    "$DIR/plangate" check --format json - <"$p" >/dev/null 2>&1
    rc=$?
    n=$((n + 1))
    if [ "$rc" -gt 4 ]; then echo "tsan: exit $rc: plangate check - < $p"; fail=1; fi
done
echo "tsan: $n plans through the CLI on a pipe"

reports=$(grep -l -E 'WARNING: ThreadSanitizer|ERROR: ThreadSanitizer' "$DIR"/san/report.* 2>/dev/null)
if [ -n "$reports" ]; then
    # shellcheck disable=SC2086
    cat $reports
    echo "tsan: ThreadSanitizer reports above, from $(echo "$reports" | wc -w) processes"
    exit 86
fi
[ "$fail" -eq 0 ] && echo "tsan: clean"
exit $fail
