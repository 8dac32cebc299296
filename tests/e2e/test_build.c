/*
 * test_build.c — the build is a menu, not an installer (issues 12 and 16):
 *   - scripts/deps.sh names what is missing with the exact Debian/Ubuntu
 *     command and a generic name, and only its `install` mode, as root,
 *     calls apt-get;
 *   - a plain `make` that lacks a library stops before compiling, says what
 *     to install, and installs nothing;
 *   - `make deps` installs what the other goals need, no more;
 *   - -Werror only with WERROR=1; CPPFLAGS and CFLAGS come after ours.
 *
 * Each run is a shell command in the source tree with a clean environment
 * and a PATH whose first folder holds stubs: `apt-get` records that it was
 * called (and succeeds), `id` says the uid the case wants. Missing libraries
 * are simulated with PKG_CONFIG_LIBDIR pointing at an empty folder.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

#ifndef PG_SRCDIR
#define PG_SRCDIR "."
#endif

typedef struct build_run {
    int exit_code;
    char out[65536]; /* stdout and stderr together */
    int apt_called;
} build_run;

static void stub(const char *dir, const char *name, const char *body)
{
    char path[400];

    snprintf(path, sizeof path, "%s/%s", dir, name);
    pg_test_write_file(path, body, strlen(body));
    cr_assert_eq(chmod(path, 0755), 0);
}

/* Run `cmd` with sh in the source tree. `uid`: what the stub `id -u` says.
 * `libs_missing`: pkg-config finds nothing. */
static void build_sh(build_run *r, const char *cmd, int uid, int libs_missing)
{
    char dir[256], path_env[700], apt_log[400], id_body[200], apt_body[600], log_env[500];
    char empty[400], libdir_env[500];
    const char *env[8];
    int p[2], status, n_env = 0;
    size_t len = 0;
    ssize_t k;
    pid_t pid;
    struct stat st;

    memset(r, 0, sizeof *r);
    pg_test_scratch(dir, sizeof dir);
    snprintf(apt_log, sizeof apt_log, "%s/apt-get.log", dir);
    snprintf(apt_body, sizeof apt_body, "#!/bin/sh\necho \"$*\" >> \"$APT_LOG\"\nexit 0\n");
    stub(dir, "apt-get", apt_body);
    snprintf(id_body, sizeof id_body, "#!/bin/sh\n[ \"$1\" = -u ] && echo %d && exit 0\nexec /usr/bin/id \"$@\"\n", uid);
    stub(dir, "id", id_body);
    snprintf(empty, sizeof empty, "%s/no-pkgconfig", dir);
    cr_assert_eq(mkdir(empty, 0755), 0);

    snprintf(path_env, sizeof path_env, "PATH=%s:/usr/local/bin:/usr/bin:/bin", dir);
    snprintf(log_env, sizeof log_env, "APT_LOG=%s", apt_log);
    snprintf(libdir_env, sizeof libdir_env, "PKG_CONFIG_LIBDIR=%s", empty);
    env[n_env++] = path_env;
    env[n_env++] = log_env;
    env[n_env++] = "LC_ALL=C";
    env[n_env++] = "HOME=/tmp";
    if (libs_missing)
        env[n_env++] = libdir_env;
    env[n_env] = NULL;

    cr_assert_eq(pipe(p), 0);
    fflush(NULL);
    pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        const char *argv[] = {"/bin/sh", "-c", cmd, NULL};
        dup2(p[1], 1);
        dup2(p[1], 2);
        close(p[0]);
        close(p[1]);
        if (chdir(PG_SRCDIR) != 0)
            _exit(126);
        /* a clean environment: no MAKEFLAGS or jobserver of the make that runs the tests */
        execve(argv[0], (char *const *)(uintptr_t)argv, (char *const *)(uintptr_t)env);
        _exit(127);
    }
    close(p[1]);
    while ((k = read(p[0], r->out + len, sizeof r->out - 1 - len)) > 0 || (k < 0 && errno == EINTR))
        len += k > 0 ? (size_t)k : 0;
    r->out[len] = '\0';
    close(p[0]);
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    r->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r->apt_called = stat(apt_log, &st) == 0;
    pg_test_rmtree(dir);
}

Test(build, deps_check_names_the_packages_and_installs_nothing)
{
    build_run r;

    build_sh(&r, "sh scripts/deps.sh check build", 0, 1);
    cr_assert_eq(r.exit_code, 1, "%s", r.out);
    cr_assert_not_null(strstr(r.out, "sudo apt-get install -y libjansson-dev libyaml-dev "), "%s", r.out);
    cr_assert_null(strstr(r.out, "libcriterion-dev"), "the build does not need Criterion: %s", r.out);
    cr_assert_not_null(strstr(r.out, "pkg-config name jansson"), "a generic name: %s", r.out);
    cr_assert_not_null(strstr(r.out, "other systems"), "%s", r.out);
    cr_assert(!r.apt_called, "check mode never installs, even as root");

    build_sh(&r, "sh scripts/deps.sh check test", 0, 1);
    cr_assert_eq(r.exit_code, 1, "%s", r.out);
    cr_assert_not_null(strstr(r.out, "libjansson-dev libyaml-dev libcriterion-dev"), "%s", r.out);
    cr_assert(!r.apt_called);

    build_sh(&r, "sh scripts/deps.sh check test", 0, 0);
    cr_assert_eq(r.exit_code, 0, "nothing missing: %s", r.out);
    cr_assert_str_eq(r.out, "", "and nothing said");
}

Test(build, deps_install_as_root_and_as_a_user)
{
    build_run r;

    build_sh(&r, "sh scripts/deps.sh install test", 0, 1);
    cr_assert_eq(r.exit_code, 0, "%s", r.out);
    cr_assert(r.apt_called, "as root, apt-get installs: %s", r.out);

    build_sh(&r, "sh scripts/deps.sh install test", 1000, 1);
    cr_assert_eq(r.exit_code, 1, "%s", r.out);
    cr_assert(!r.apt_called, "a user is told the command instead");
    cr_assert_not_null(strstr(r.out, "sudo apt-get install -y libjansson-dev libyaml-dev libcriterion-dev"), "%s",
                       r.out);
}

/* `make` (any goal but deps) never installs: it stops before compiling. */
Test(build, make_without_a_library_stops_and_installs_nothing)
{
    build_run r;
    char cmd[600], dir[256];

    pg_test_scratch(dir, sizeof dir);
    snprintf(cmd, sizeof cmd, "make BUILD=%s/b %s/b/plangate", dir, dir);
    build_sh(&r, cmd, 0, 1);
    cr_assert_neq(r.exit_code, 0, "%s", r.out);
    cr_assert_not_null(strstr(r.out, "sudo apt-get install -y libjansson-dev libyaml-dev"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "make deps"), "the message names the step that installs: %s", r.out);
    cr_assert(!r.apt_called, "make installed something");
    cr_assert_null(strstr(r.out, " -c -o "), "nothing was compiled: %s", r.out);
    pg_test_rmtree(dir);
}

Test(build, werror_only_when_asked_and_user_flags_last)
{
    build_run r;

    build_sh(&r, "make -n -B BUILD=/nonexistent/b /nonexistent/b/obj/src/util/buf.o CFLAGS=-DUSER_CFLAGS "
                 "CPPFLAGS=-DUSER_CPPFLAGS",
             0, 0);
    cr_assert_eq(r.exit_code, 0, "%s", r.out);
    cr_assert_null(strstr(r.out, "-Werror"), "-Werror without WERROR=1: %s", r.out);
    cr_assert_not_null(strstr(r.out, "-Wall"), "%s", r.out);
    cr_assert(strstr(r.out, "-DUSER_CFLAGS") > strstr(r.out, "-Wimplicit-fallthrough"), "CFLAGS after ours: %s",
              r.out);
    cr_assert(strstr(r.out, "-DUSER_CPPFLAGS") > strstr(r.out, "-Iinclude"), "CPPFLAGS after ours: %s", r.out);

    build_sh(&r, "make -n -B WERROR=1 BUILD=/nonexistent/b /nonexistent/b/obj/src/util/buf.o", 0, 0);
    cr_assert_eq(r.exit_code, 0, "%s", r.out);
    cr_assert_not_null(strstr(r.out, "-Werror"), "%s", r.out);
}

/* `make deps demo` installs what the build needs, `make deps test` (and a
 * bare `make deps`) the test framework too. */
Test(build, deps_installs_what_the_goals_need)
{
    build_run r;

    build_sh(&r, "make -n deps demo", 0, 0);
    cr_assert_not_null(strstr(r.out, "sh scripts/deps.sh install build\n"), "%s", r.out);
    build_sh(&r, "make -n deps test", 0, 0);
    cr_assert_not_null(strstr(r.out, "sh scripts/deps.sh install test\n"), "%s", r.out);
    build_sh(&r, "make -n deps", 0, 0);
    cr_assert_not_null(strstr(r.out, "sh scripts/deps.sh install test\n"), "%s", r.out);
    build_sh(&r, "make -n deps install", 0, 0);
    cr_assert_not_null(strstr(r.out, "sh scripts/deps.sh install build\n"), "%s", r.out);
}
