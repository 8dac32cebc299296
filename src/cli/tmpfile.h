/*
 * tmpfile.h — a report's temporary file beside its final name, renamed into
 * place when complete, and removed when a signal stops the process first.
 *
 * The temporary is DIR/.plangate.tmp.XXXXXX in the final file's directory
 * (rename(2) is atomic only inside one file system). Its name has a fixed
 * length, so it fits whenever the final name fits (a 255-byte report name
 * is fine), and it is made and renamed relative to the directory (openat,
 * renameat), so the path's total length does not grow either.
 *
 * SIGTERM, SIGINT and SIGHUP (a CI runner cancelling the job, Ctrl-C, a
 * closed terminal) run an async-signal-safe handler that unlinks every
 * temporary still open, then re-raises the signal with the default action,
 * so the parent still sees "killed by signal N". A signal that was ignored
 * when plangate started stays ignored. SIGKILL cannot be caught: what it
 * leaves is named .plangate.tmp.* and can be removed by hand.
 */
#ifndef PG_CLI_TMPFILE_H
#define PG_CLI_TMPFILE_H

/** At most this many temporaries at once (one per --report). */
#define PG_CLI_TMP_MAX 32

/** The longest final name (one path component) a temporary can stand beside. */
#define PG_CLI_TMP_NAME_MAX 255

typedef struct pg_cli_tmp {
    int slot;    /* index in the signal handler's table, -1 when none */
    int dirfd;   /* the final file's directory */
    char name[PG_CLI_TMP_NAME_MAX + 1]; /* the final name in dirfd */
} pg_cli_tmp;

/**
 * Create the temporary for `path` (mode 0666 less the umask) and return its
 * descriptor, or -1 with errno set (ENAMETOOLONG, ENOENT for a missing
 * directory, EISDIR for a path that names a directory, EMFILE past
 * PG_CLI_TMP_MAX…). Installs the signal handlers on first use.
 */
int pg_cli_tmp_open(pg_cli_tmp *t, const char *path);

/** Rename the temporary over the final name: 0, or -1 with errno set (the temporary is removed then). */
int pg_cli_tmp_commit(pg_cli_tmp *t);

/** Remove the temporary (a report that failed). Accepts a pg_cli_tmp that holds none. */
void pg_cli_tmp_discard(pg_cli_tmp *t);

#endif
