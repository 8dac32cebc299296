/* lock_table.c — what makes a table a Terraform state-lock table (SPEC §3),
 * and the key schema the S3 backend needs; shared by the lock-table-*
 * detectors (one file each).
 *
 * Terraform's S3 backend locks by PutItem of {"LockID": {"S": …}} with a
 * condition, and stores state digests the same way: the table must have the
 * string partition key LockID (case-sensitive) and no sort key. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "detect/detect_internal.h"

/* The one lookup of a lock table by name: the backend's, then the policy's. */
static int named(const pg_detect_env *env, const char *table_name, int *by_backend)
{
    size_t i, n;

    *by_backend = 0;
    if (!env || !table_name)
        return 0;
    if (env->backend && env->backend->dynamodb_table && strcmp(env->backend->dynamodb_table, table_name) == 0)
        return *by_backend = 1;
    n = env->policy ? pg_policy_lock_table_count(env->policy) : 0;
    for (i = 0; i < n; i++) {
        const char *t = pg_policy_lock_table(env->policy, i);
        if (t && strcmp(t, table_name) == 0)
            return 1;
    }
    return 0;
}

int pg_detect_is_named_lock_table(const pg_detect_env *env, const char *table_name)
{
    int by_backend;

    return named(env, table_name, &by_backend);
}

/* Find `needle` in s[0..n) without regard to ASCII case. */
static int has_word(const char *s, size_t n, const char *needle)
{
    size_t m = strlen(needle), i;

    for (i = 0; m <= n && i <= n - m; i++)
        if (strncasecmp(s + i, needle, m) == 0)
            return 1;
    return 0;
}

int pg_det__says_state_lock(const char *s, size_t n)
{
    if (!s || memchr(s, '\0', n) || !has_word(s, n, "lock"))
        return 0;
    /* "tf-lock"/"tf_lock"/"tflock": the usual short name of Terraform's
     * lock table (tf-locks), where "tf" joins "lock" directly. */
    return has_word(s, n, "terraform") || has_word(s, n, "tfstate") || has_word(s, n, "tf-state") ||
           has_word(s, n, "tf_state") || has_word(s, n, "tf-lock") || has_word(s, n, "tf_lock") ||
           has_word(s, n, "tflock");
}

/* A tag whose key or value says state locking. An unknown tag says nothing:
 * a table is never a lock table because of an unknown value. */
static int tag_says_lock(void *ctx, const char *key, size_t key_len, const json_t *value)
{
    (void)ctx;
    if (key && pg_det__says_state_lock(key, key_len))
        return 1;
    return json_is_string(value) && pg_det__says_state_lock(json_string_value(value), json_string_length(value));
}

void pg_det__lock_info(const pg_detect_env *env, const pg_change *c, pg_side side, pg_lock_info *out)
{
    memset(out, 0, sizeof *out);
    out->name = pg_det__table_name(c, side, &out->name_sensitive);
    if (named(env, out->name, &out->named_backend))
        out->named_policy = !out->named_backend;
    pg_det__table_keys(c, side, &out->keys);
    out->key_uncertain = pg_det__keys_uncertain(&out->keys);
    if (out->keys.has_hash && strcmp(out->keys.hash, PG_LOCK_KEY) == 0) {
        out->lockid_key = 1;
    } else if (out->keys.has_hash && strcasecmp(out->keys.hash, PG_LOCK_KEY) == 0) {
        /* A case-variant (lockId, LOCKID) is an ordinary application key
         * unless the table says it is Terraform's: its name or its tags. */
        out->variant_key = 1;
        /* A sensitive name is judged too (it is never printed). */
        out->says_lock = (out->name && pg_det__says_state_lock(out->name, strlen(out->name))) ||
                         pg_policy_any_tag(c, tag_says_lock, NULL);
        out->lockid_key = out->says_lock;
    }
    out->is_lock = out->named_backend || out->named_policy || out->lockid_key;
}

int pg_det__lock_why(const pg_detect_env *env, const pg_change *c, pg_side side, const pg_lock_info *li, char *buf,
                     size_t size, pg_error *err)
{
    char key[PG_DET_TEXT];
    int by_name = li->name && pg_det__says_state_lock(li->name, strlen(li->name));

    (void)c;
    (void)side;
    (void)err;
    pg_det__key_text(&li->keys, 0, key, sizeof key);
    if (li->named_backend)
        snprintf(buf, size, "the backend in %s locks with it", pg_det__backend_name(env->backend));
    else if (li->named_policy)
        snprintf(buf, size, "the policy lists it in lock_tables");
    else if (li->variant_key)
        snprintf(buf, size, "its partition key is %s and its %s Terraform state locking", key,
                 by_name ? "name says" : "tags say");
    else
        snprintf(buf, size, "its partition key is %s, the S3 backend's", key);
    return PG_OK;
}

/* One problem: its words in the summary, its evidence in the finding. */
static int problem(const pg_change *c, pg_finding *f, pg_buf *summary, int *n, const char *path,
                   const pg_path_step *steps, size_t n_steps, pg_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 9, 10)))
#endif
    ;

static int problem(const pg_change *c, pg_finding *f, pg_buf *summary, int *n, const char *path,
                   const pg_path_step *steps, size_t n_steps, pg_error *err, const char *fmt, ...)
{
    va_list ap;
    int rc = PG_OK;

    if (summary && (rc = pg_buf_adds(summary, *n ? "; " : "", err)) == PG_OK) {
        va_start(ap, fmt);
        rc = pg_buf_vaddf(summary, err, fmt, ap);
        va_end(ap);
    }
    (*n)++;
    if (rc == PG_OK && f)
        rc = pg_det__evidence(f, c, path, steps, n_steps, err);
    return rc;
}

int pg_det__lock_schema_problems(const pg_change *c, pg_side side, pg_finding *f, pg_buf *summary, pg_error *err)
{
    int awscc = pg_det__is_awscc_table(c);
    pg_path_step hk = {awscc ? "key_schema" : "hash_key", 0}, rk = {awscc ? "key_schema" : "range_key", 0};
    const char *hpath = awscc ? "key_schema" : "hash_key", *rpath = awscc ? "key_schema" : "range_key";
    /* The attribute's own words, so that the message names what to edit. */
    const char *hword = awscc ? "partition key (key_schema HASH)" : "hash_key";
    const char *rword = awscc ? "sort key (key_schema RANGE)" : "range_key";
    pg_det_keys k;
    pg_det_key_attr at;
    char name[PG_DET_TEXT], text[PG_DET_TEXT];
    int n = 0, rc = PG_OK;

    pg_det__table_keys(c, side, &k);
    if (k.hash_unknown) {
        rc = problem(c, f, summary, &n, hpath, &hk, 1, err,
                     "its %s may not be \"LockID\": it is known only after apply, so it cannot be verified", hword);
    } else if (k.unreadable) {
        rc = problem(c, f, summary, &n, hpath, &hk, 1, err,
                     "its key schema cannot be read, so its partition key may not be \"LockID\"");
    } else if (!k.has_hash || strcmp(k.hash, PG_LOCK_KEY) != 0) {
        pg_det__name_text(k.has_hash ? k.hash : NULL, k.sensitive, name, sizeof name);
        rc = problem(c, f, summary, &n, hpath, &hk, 1, err, "its %s is %s, not \"LockID\"%s", hword, name,
                     k.has_hash && strcasecmp(k.hash, PG_LOCK_KEY) == 0 ? " (the backend's key name is case-sensitive)"
                                                                         : "");
    }
    /* The key attribute's type: the entry named like the hash key. */
    if (rc == PG_OK && k.has_hash && pg_det__key_attr(c, side, k.hash, &at)) {
        const json_t *ty = pg_change_get(c, side, at.steps, 3);

        if (side == PG_AFTER && pg_change_is_unknown(c, at.steps, 3)) {
            pg_det__name_text(k.hash, k.sensitive || pg_change_is_sensitive(c, side, at.name_steps, 3), name,
                              sizeof name);
            rc = problem(c, f, summary, &n, at.list, at.steps, 1, err,
                         "the type of its key attribute %s is known only after apply: it may not be S (string)", name);
        } else if (!json_is_string(ty) || strcmp(json_string_value(ty), "S") != 0) {
            char path[96];

            pg_det__name_text(k.hash, k.sensitive || pg_change_is_sensitive(c, side, at.name_steps, 3), name,
                              sizeof name);
            snprintf(path, sizeof path, "%s[%zu].%s", at.list, at.index, at.steps[2].key);
            if ((rc = pg_det__value_text(c, side, at.steps, 3, text, sizeof text, err)) == PG_OK)
                rc = problem(c, f, summary, &n, path, at.steps, 3, err,
                             "its key attribute %s is of type %s, not S (string)", name, text);
        }
    }
    if (rc == PG_OK && k.range_unknown && !k.hash_unknown)
        rc = problem(c, f, summary, &n, rpath, &rk, 1, err,
                     "its %s is known only after apply: it may have one, and a lock table has none", rword);
    else if (rc == PG_OK && k.has_range) {
        pg_det__name_text(k.range, k.sensitive, name, sizeof name);
        rc = problem(c, f, summary, &n, rpath, &rk, 1, err, "it has a %s (%s), which the backend never writes", rword,
                     name);
    }
    return rc != PG_OK ? rc : n;
}

int pg_det__lock_wants(const char *type, pg_action a)
{
    /* A forget is wanted for its create-and-forget form: on_change checks
     * pg_det__leaves_object. */
    return a != PG_ACTION_READ && pg_det__is_table_type(type);
}
