/*
 * test_fuzz_replay.c — `make test` replays every seed of the fuzz targets
 * (STYLE 20) through the very code libFuzzer runs: the four targets are
 * #included here with PG_FUZZ_NO_ENTRY (fuzz/fuzz.h).
 *
 * Seeds: the committed ones (fuzz/corpus/<target>/, which hold every crash
 * the fuzzers found, named regress-*), the fixtures in testdata/, and
 * ../shared/corpus when present. Each file runs in a forked child with an
 * alarm, so a crash, an abort() of a broken invariant, a hang or (under
 * `make asan`) a leak names the file that caused it and does not hide the
 * other files. The regressions found by fuzzing also have named tests at
 * the end (STYLE 17).
 */
#define PG_FUZZ_NO_ENTRY
#include "../../fuzz/fuzz_json.c"
#include "../../fuzz/fuzz_json_chunks.c"
#include "../../fuzz/fuzz_plan.c"
#include "../../fuzz/fuzz_policy.c"

#include <criterion/criterion.h>
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "support.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define REPLAY_LEAK_CHECK() __lsan_do_recoverable_leak_check()
#else
#define REPLAY_LEAK_CHECK() 0
#endif

#ifndef PG_SRCDIR
#define PG_SRCDIR "."
#endif

/* A seed that takes longer than this (under valgrind, 50x slower) hangs. */
#define REPLAY_ALARM_SECONDS 60u
#define REPLAY_MAX_FAILURES 10

typedef int (*replay_fn)(const uint8_t *data, size_t size);

typedef struct replay_stats {
    unsigned long files;
    unsigned long failures;
    char first_failures[REPLAY_MAX_FAILURES][300];
} replay_stats;

/* Run one file in a child: 0 when it ran clean, else a description. */
static void replay_file(replay_fn fn, const char *path, replay_stats *st)
{
    size_t len = 0;
    char *data = pg_test_read_file(path, &len);
    pid_t pid;
    int status = 0;

    cr_assert_not_null(data, "cannot read seed %s", path);
    fflush(NULL);
    pid = fork();
    cr_assert(pid >= 0, "fork failed");
    if (pid == 0) {
        alarm(REPLAY_ALARM_SECONDS);
        fn((const uint8_t *)data, len);
        free(data);
        /* LSan's report goes to stderr; the exit code says "leaked". */
        _exit(REPLAY_LEAK_CHECK() ? 86 : 0);
    }
    free(data);
    while (waitpid(pid, &status, 0) < 0)
        ;
    st->files++;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return;
    if (st->failures < REPLAY_MAX_FAILURES) {
        char *slot = st->first_failures[st->failures];
        if (WIFSIGNALED(status))
            snprintf(slot, 300, "%s: %s", path,
                     WTERMSIG(status) == SIGALRM ? "hangs (alarm)" : strsignal(WTERMSIG(status)));
        else
            snprintf(slot, 300, "%s: exit %d (86: sanitizer or leak report above)", path, WEXITSTATUS(status));
    }
    st->failures++;
}

static void replay_path(replay_fn fn, const char *path, replay_stats *st)
{
    struct stat sb;
    DIR *d;
    struct dirent *e;

    if (stat(path, &sb) != 0)
        return;
    if (!S_ISDIR(sb.st_mode)) {
        replay_file(fn, path, st);
        return;
    }
    cr_assert_not_null(d = opendir(path), "cannot open %s", path);
    while ((e = readdir(d)) != NULL) {
        char sub[1024];
        if (e->d_name[0] == '.')
            continue;
        snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
        replay_path(fn, sub, st);
    }
    closedir(d);
}

/* Replay every path (NULL-terminated); at least `min_files` must exist. */
static void replay(const char *target, replay_fn fn, const char *const *paths, unsigned long min_files)
{
    replay_stats st;
    unsigned long i;

    memset(&st, 0, sizeof st);
    for (; *paths; paths++)
        replay_path(fn, *paths, &st);
    for (i = 0; i < st.failures && i < REPLAY_MAX_FAILURES; i++)
        cr_log_error("%s: %s", target, st.first_failures[i]);
    cr_assert_eq(st.failures, 0, "%s: %lu of %lu seeds failed; first: %s", target, st.failures, st.files,
                 st.first_failures[0]);
    cr_assert(st.files >= min_files, "%s: only %lu seeds found (expected at least %lu)", target, st.files,
              min_files);
}

/* ---- committed seeds and fixtures ------------------------------------------------ */

Test(fuzz_replay, json)
{
    static const char *const paths[] = {PG_SRCDIR "/fuzz/corpus/json", PG_TESTDATA "/json",
                                        PG_TESTDATA "/plans", PG_TESTDATA "/backend", NULL};
    replay("json", pg_fuzz_json, paths, 100);
}

Test(fuzz_replay, json_chunks)
{
    static const char *const paths[] = {PG_SRCDIR "/fuzz/corpus/json_chunks", PG_TESTDATA "/json", NULL};
    replay("json_chunks", pg_fuzz_json_chunks, paths, 100);
}

Test(fuzz_replay, policy)
{
    static const char *const paths[] = {PG_SRCDIR "/fuzz/corpus/policy", PG_TESTDATA "/policies",
                                        PG_SRCDIR "/policies", NULL};
    replay("policy", pg_fuzz_policy, paths, 50);
}

Test(fuzz_replay, plan)
{
    static const char *const paths[] = {PG_SRCDIR "/fuzz/corpus/plan", PG_TESTDATA "/plans", NULL};
    replay("plan", pg_fuzz_plan, paths, 50);
}

/* ---- the shared corpus, read in place ---------------------------------------------- */

Test(fuzz_replay, shared_corpus_json)
{
    static const char *const paths[] = {PG_SHARED "/corpus/jsontestsuite", PG_SHARED "/corpus/edge", NULL};
    if (!pg_test_dir_exists(PG_SHARED "/corpus"))
        cr_skip_test("../shared/corpus is absent");
    replay("json (shared corpus)", pg_fuzz_json, paths, 100);
    replay("json_chunks (shared corpus)", pg_fuzz_json_chunks, paths, 100);
}

Test(fuzz_replay, shared_corpus_plans)
{
    static const char *const paths[] = {PG_SHARED "/corpus/plans", PG_SHARED "/corpus/edge", NULL};
    if (!pg_test_dir_exists(PG_SHARED "/corpus"))
        cr_skip_test("../shared/corpus is absent");
    replay("plan (shared corpus)", pg_fuzz_plan, paths, 100);
}

/* ---- regressions found by fuzzing (docs/robustness.md) ------------------------------ */

/* fuzz_policy, first replay: the "unknown operator" message listed the
 * operator names up to a NULL the array did not have (global-buffer-overflow
 * under ASan; fixed in src/policy/schema.c by its owner). */
Test(fuzz_replay, regress_unknown_operator_lists_exactly_the_operators)
{
    static const char text[] = "version: 1\nrules:\n  - id: a\n    severity: high\n    require:\n"
                               "      - { path: after.name, equal: x }\n";
    pg_policy *p = pg_test_policy_new();
    pg_error err;
    const char *tail = "length_less_than; or all, any, not)";

    cr_assert_not_null(p);
    cr_assert_eq(pg_policy_load_string(p, "policy.yaml", text, sizeof text - 1, &err), PG_EPOLICY);
    cr_assert(strlen(err.message) > strlen(tail) &&
                  strcmp(err.message + strlen(err.message) - strlen(tail), tail) == 0,
              "message: %s", err.message);
    pg_policy_free(p);
}

/* fuzz_json_chunks, run 1: a captured element breaks max_capture before a
 * long string inside it starts. Fed whole, the reader reported the later
 * string limit; fed byte by byte, the capture limit. The error must not
 * depend on the chunking (STYLE 15), and the earliest broken limit wins. */
Test(fuzz_replay, regress_capture_limit_reported_before_later_string_limit)
{
    static const char doc[] = "{\"resource_changes\":[{\"a\":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,"
                              "1,1,1,1,1,1,1,1,\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                              "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"]}]}";
    pg_json_limits lim;
    chunks_result whole, bytes;

    memset(&lim, 0, sizeof lim);
    lim.max_depth = 6;
    lim.max_string = 16;
    lim.max_capture = 64;
    chunks_run(&whole, doc, sizeof doc - 1, 1, 0, &lim);
    chunks_run(&bytes, doc, sizeof doc - 1, 1, 1, &lim);
    cr_assert_eq(bytes.rc, PG_ELIMIT);
    cr_assert_eq(bytes.err.offset, 21 + 64, "byte by byte: %s", bytes.err.message);
    cr_assert_eq(whole.rc, PG_ELIMIT);
    cr_assert_eq(whole.err.offset, 21 + 64, "whole: %s", whole.err.message);
    cr_assert_str_eq(whole.err.message, bytes.err.message);
    free(whole.trace.buf);
    free(bytes.trace.buf);
}
