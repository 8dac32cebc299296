/* plan.c — a whole plan, streamed: top-level keys, format_version, and one
 * decoded pg_change at a time (SPEC §2). Knows Terraform's plan format; the
 * JSON itself is the reader's business. */
#include "plangate/plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "plan/pipeline.h"
#include "plan/skip.h"
#include "plangate/alloc.h"

/* How many leading bytes we keep to explain a failure ("this is a zip"). */
#define SNIFF_BYTES 256
/* The fixed-size read buffer of pg_plan_read_file (memory does not grow with the plan). */
#define READ_CHUNK ((size_t)1 << 20)

/* Top-level keys whose value we read; each may appear once (a duplicate could
 * hide changes from a reader that keeps the last one, as Terraform's does). */
typedef enum top_key {
    KEY_OTHER = 0,
    KEY_FORMAT_VERSION,
    KEY_PLAN_FORMAT_VERSION,
    KEY_TERRAFORM_VERSION,
    KEY_RESOURCE_CHANGES,
    KEY_RESOURCE_DRIFT,
    KEY_ERRORED,
    KEY_COMPLETE,
    KEY_APPLYABLE,
    KEY_DEFERRED_CHANGES,
    KEY_COUNT_
} top_key;

static const char *const key_names[KEY_COUNT_] = {
    "", "format_version", "plan_format_version", "terraform_version", "resource_changes",
    "resource_drift", "errored", "complete", "applyable", "deferred_changes",
};

/* Pipeline kinds: a top_key, plus KIND_DECIDED when the reading thread
 * already found that the change must be decoded. */
#define KIND_DECIDED 32

/* Keys that only a plan has (a state file, even `terraform show -json` of
 * one, has none of them). */
static const char *const plan_only_keys[] = {
    "resource_changes", "resource_drift", "planned_values", "prior_state", "configuration",
    "output_changes", "relevant_attributes", "applyable", "complete", "errored",
    "deferred_changes", "plan_format_version", "checks",
};

/* Keys of a raw terraform.tfstate file. */
static const char *const state_keys[] = {"serial", "lineage", "resources", "values"};

struct pg_plan_reader {
    pg_json_reader *json;
    pg_plan_change_fn fn;
    void *ctx;
    pg_plan_filter_fn filter;
    void *filter_ctx;
    pg_pipeline *pipe;             /* NULL: changes are decoded on the reading thread */
    long skipped_counts[PG_ACTION_COUNT_]; /* changes counted undecoded on the reading thread */
    int pipe_done;                 /* pg_pipeline_finish was called */
    pg_json_limits limits;
    pg_plan_info info;
    unsigned seen;                 /* bit per top_key */
    unsigned char sniff[SNIFF_BYTES];
    size_t sniffed;
};

static top_key classify(const char *key)
{
    int i;

    for (i = 1; i < (int)KEY_COUNT_; i++)
        if (strcmp(key, key_names[i]) == 0)
            return (top_key)i;
    return KEY_OTHER;
}

static int in_list(const char *key, const char *const *list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(key, list[i]) == 0)
            return 1;
    return 0;
}

static pg_json_capture on_top_key(void *ctx, const char *key, size_t key_len)
{
    pg_plan_reader *r = ctx;
    top_key k;

    if (strlen(key) != key_len) /* a NUL inside: never one of ours */
        return PG_JSON_SKIP;
    if (in_list(key, plan_only_keys, sizeof plan_only_keys / sizeof plan_only_keys[0]))
        r->info.seen_plan_keys = 1;
    if (in_list(key, state_keys, sizeof state_keys / sizeof state_keys[0]))
        r->info.looks_like_state = 1;
    k = classify(key);
    switch (k) {
    case KEY_RESOURCE_CHANGES:
    case KEY_RESOURCE_DRIFT:
    case KEY_DEFERRED_CHANGES:
        return PG_JSON_ELEMENTS;
    case KEY_OTHER:
        return PG_JSON_SKIP;
    default:
        return PG_JSON_VALUE;
    }
}

static int copy_version(char *dst, size_t size, const json_t *v, const char *key, pg_error *err)
{
    if (!json_is_string(v))
        return pg_error_set(err, PG_EPLAN, "\"%s\" must be a string", key);
    if (json_string_length(v) >= size)
        return pg_error_set(err, PG_EPLAN, "\"%s\" is too long to be a version", key);
    memcpy(dst, json_string_value(v), json_string_length(v) + 1);
    return PG_OK;
}

static int read_bool(int *dst, const json_t *v, const char *key, pg_error *err)
{
    if (!json_is_boolean(v))
        return pg_error_set(err, PG_EPLAN, "\"%s\" must be true or false", key);
    *dst = json_is_true(v);
    return PG_OK;
}

static int scalar_value(pg_plan_reader *r, top_key k, const char *raw, size_t raw_len, uint64_t offset,
                        pg_error *err)
{
    pg_json_decode_options opts;
    json_t *v = NULL;
    int rc;

    memset(&opts, 0, sizeof opts);
    opts.limits = r->limits;
    opts.base_offset = offset;
    if ((rc = pg_json_decode(&v, raw, raw_len, &opts, err)) != 0)
        return rc;
    switch (k) {
    case KEY_FORMAT_VERSION:
        rc = copy_version(r->info.format_version, sizeof r->info.format_version, v, key_names[k], err);
        break;
    case KEY_PLAN_FORMAT_VERSION:
        rc = copy_version(r->info.format_version, sizeof r->info.format_version, v, key_names[k], err);
        r->info.hcp_redacted = 1;
        break;
    case KEY_TERRAFORM_VERSION:
        rc = copy_version(r->info.terraform_version, sizeof r->info.terraform_version, v, key_names[k],
                          err);
        break;
    case KEY_ERRORED:
        rc = read_bool(&r->info.errored, v, key_names[k], err);
        break;
    case KEY_COMPLETE:
        rc = read_bool(&r->info.complete, v, key_names[k], err);
        break;
    case KEY_APPLYABLE:
        rc = read_bool(&r->info.applyable, v, key_names[k], err);
        break;
    default:
        break;
    }
    json_decref(v);
    return rc;
}

static int change_value(pg_plan_reader *r, top_key k, long index, const char *raw, size_t raw_len,
                        uint64_t offset, int decided, pg_error *err)
{
    pg_action skipped;
    pg_json_decode_options opts;
    json_t *element = NULL;
    pg_change change;
    int rc;

    /* Not decided on the reading thread (no key index): scan for it here. */
    if (r->filter && k == KEY_RESOURCE_CHANGES && !decided &&
        pg_plan__skip_decision(raw, raw_len, NULL, 0, r->filter, r->filter_ctx, &skipped) == PG_SKIP_COUNT_ONLY) {
        r->info.counts[skipped]++;
        return PG_OK;
    }
    memset(&opts, 0, sizeof opts);
    opts.limits = r->limits;
    opts.base_offset = offset;
    /* A duplicated key inside a change could show one value to us and another
     * to Terraform: refuse it (docs/internals/plan.md). */
    opts.reject_duplicate_keys = 1;
    if ((rc = pg_json_decode(&element, raw, raw_len, &opts, err)) != 0)
        return rc;
    if ((rc = pg_change_init(&change, element,
                             k == KEY_RESOURCE_DRIFT ? PG_ORIGIN_DRIFT : PG_ORIGIN_PLANNED, err)) != 0)
        return rc;
    change.index_in_plan = index;
    change.offset = offset;
    if (k == KEY_RESOURCE_CHANGES)
        r->info.counts[change.action]++;
    rc = r->fn ? r->fn(r->ctx, &change, err) : 0;
    pg_change_dispose(&change);
    return rc;
}

static int on_value(void *ctx, const char *key, size_t key_len, long index, const char *raw, size_t raw_len,
                    uint64_t offset, pg_error *err)
{
    pg_plan_reader *r = ctx;
    top_key k = classify(key);
    int rc, decided = 0;

    (void)key_len;
    if (index <= 0) { /* the first element, or a whole value: once per key */
        if (r->seen & (1u << k)) {
            rc = pg_error_set(err, PG_EPLAN,
                              "the key \"%s\" appears twice in the plan; a plan has it once "
                              "(was the file concatenated or edited?)",
                              key);
            goto fail;
        }
        r->seen |= 1u << k;
    }
    switch (k) {
    case KEY_RESOURCE_CHANGES:
    case KEY_RESOURCE_DRIFT:
        if (index < 0) {
            if (raw_len == 4 && memcmp(raw, "null", 4) == 0)
                return PG_OK; /* "resource_changes": null — nothing planned */
            rc = pg_error_set(err, PG_EPLAN, "\"%s\" must be an array", key);
            goto fail;
        }
        if (k == KEY_RESOURCE_CHANGES)
            r->info.resource_changes++;
        else
            r->info.drift++;
        if (r->filter && k == KEY_RESOURCE_CHANGES) {
            /* The reader indexed the element's keys while validating it:
             * deciding here costs no second scan, and a skipped change is
             * never copied to the worker. */
            const pg_json_key_pos *keys;
            size_t n_keys;
            pg_action skipped;
            int d = PG_SKIP_UNDECIDED;
            if (pg_json_reader_capture_keys(r->json, &keys, &n_keys) == 0)
                d = pg_plan__skip_decision(raw, raw_len, keys, n_keys, r->filter, r->filter_ctx, &skipped);
            if (d == PG_SKIP_COUNT_ONLY) {
                /* Counted apart from the worker's counts (no lock, no queue);
                 * pg_plan_finish adds them up. */
                r->skipped_counts[skipped]++;
                return PG_OK;
            }
            decided = d == PG_SKIP_DECODE;
        }
        if (r->pipe)
            return pg_pipeline_push(r->pipe, (int)k | (decided ? KIND_DECIDED : 0), index, raw, raw_len,
                                    offset, err);
        rc = change_value(r, k, index, raw, raw_len, offset, decided, err);
        break;
    case KEY_DEFERRED_CHANGES:
        if (index < 0 && !(raw_len == 4 && memcmp(raw, "null", 4) == 0)) {
            rc = pg_error_set(err, PG_EPLAN, "\"deferred_changes\" must be an array");
            goto fail;
        }
        if (index >= 0)
            r->info.deferred_changes++;
        return PG_OK;
    default:
        rc = scalar_value(r, k, raw, raw_len, offset, err);
        break;
    }
    if (rc == 0)
        return PG_OK;
fail:
    if (err && !err->has_offset)
        pg_error_at_offset(err, offset);
    return rc;
}

/* The worker thread's side of the pipeline. */
static int on_queued_change(void *ctx, int kind, long index, const char *raw, size_t len, uint64_t offset,
                            pg_error *err)
{
    pg_plan_reader *r = ctx;

    return change_value(r, (top_key)(kind & ~KIND_DECIDED), index, raw, len, offset, (kind & KIND_DECIDED) != 0,
                        err);
}

/* Wait for every queued change; returns the worker's error, if any. */
static int drain(pg_plan_reader *r, pg_error *err)
{
    size_t a;
    int rc = PG_OK;

    if (r->pipe && !r->pipe_done) {
        r->pipe_done = 1;
        rc = pg_pipeline_finish(r->pipe, err);
    }
    /* The worker is done with the counts: add the ones counted here. */
    for (a = 0; a < PG_ACTION_COUNT_; a++) {
        r->info.counts[a] += r->skipped_counts[a];
        r->skipped_counts[a] = 0;
    }
    return rc;
}

int pg_plan_reader_use_thread(pg_plan_reader *r, pg_error *err)
{
    if (r->pipe)
        return PG_OK;
    return pg_pipeline_start(&r->pipe, on_queued_change, r, err);
}

static int on_elements_end(void *ctx, const char *key, size_t key_len, long count, pg_error *err)
{
    pg_plan_reader *r = ctx;
    top_key k = classify(key);

    (void)key_len;
    (void)err;
    if (count == 0) { /* an empty array is still one occurrence of its key */
        if (r->seen & (1u << k))
            return pg_error_set(err, PG_EPLAN, "the key \"%s\" appears twice in the plan", key);
        r->seen |= 1u << k;
    }
    if (k == KEY_RESOURCE_CHANGES)
        r->info.has_resource_changes = 1;
    return PG_OK;
}

pg_plan_reader *pg_plan_reader_new(pg_plan_change_fn fn, void *ctx, const pg_json_limits *limits)
{
    pg_plan_reader *r = pg_calloc(1, sizeof *r);
    pg_json_handler h;

    if (!r)
        return NULL;
    r->fn = fn;
    r->ctx = ctx;
    if (limits)
        r->limits = *limits;
    r->info.complete = -1;
    r->info.applyable = -1;
    memset(&h, 0, sizeof h);
    h.top_key = on_top_key;
    h.value = on_value;
    h.elements_end = on_elements_end;
    h.ctx = r;
    r->json = pg_json_reader_new(&h, limits);
    if (!r->json) {
        pg_free(r);
        return NULL;
    }
    return r;
}

void pg_plan_reader_free(pg_plan_reader *r)
{
    if (!r)
        return;
    pg_pipeline_free(r->pipe);
    pg_json_reader_free(r->json);
    pg_free(r);
}

static int starts_with(const pg_plan_reader *r, const char *prefix, size_t n)
{
    return r->sniffed >= n && memcmp(r->sniff, prefix, n) == 0;
}

/* The first JSON byte after leading text, if the input looks like "text, then JSON". */
static int text_before_json(const pg_plan_reader *r)
{
    size_t i;

    if (r->sniffed == 0 || r->sniff[0] == '{' || r->sniff[0] == '[')
        return 0;
    for (i = 0; i < r->sniffed; i++)
        if (r->sniff[i] == '{')
            return 1;
    return 0;
}

/* Turn a reader error into one that says what happened and how to fix it (SPEC §2). */
static void explain_syntax_error(const pg_plan_reader *r, pg_error *err)
{
    if (!err || err->code != PG_ESYNTAX)
        return;
    if (starts_with(r, "PK\x03\x04", 4)) {
        pg_error_set(err, PG_EPLAN,
                     "this is a binary plan file (a zip), not JSON: run `terraform show -json PLANFILE > "
                     "plan.json` on it and check that");
        return;
    }
    if (starts_with(r, "[command]", 9) || (text_before_json(r) && err->has_offset && err->offset < 512)) {
        size_t shown = 0;
        while (shown < r->sniffed && shown < 40 && r->sniff[shown] != '\n' && r->sniff[shown] != '\r')
            shown++;
        pg_error_set(err, PG_EPLAN,
                     "text before the JSON (%.*s…): a CI wrapper printed its command line into the output; "
                     "turn the wrapper off (hashicorp/setup-terraform: terraform_wrapper: false) or use "
                     "terraform-bin show -json",
                     (int)shown, (const char *)r->sniff);
        return;
    }
}

int pg_plan_feed(pg_plan_reader *r, const char *buf, size_t len, pg_error *err)
{
    int rc;

    if (r->sniffed < SNIFF_BYTES) {
        size_t n = SNIFF_BYTES - r->sniffed < len ? SNIFF_BYTES - r->sniffed : len;
        memcpy(r->sniff + r->sniffed, buf, n);
        r->sniffed += n;
    }
    rc = pg_json_feed(r->json, buf, len, err);
    if (rc != 0)
        explain_syntax_error(r, err);
    return rc;
}

/* "1.2" → 1; "0.1" → 0; -1 when not a version. */
static int major_of(const char *v)
{
    char *end;
    long major;

    if (!v[0] || v[0] < '0' || v[0] > '9')
        return -1;
    errno = 0;
    major = strtol(v, &end, 10);
    if (errno || (*end != '.' && *end != '\0') || major > 1000)
        return -1;
    return (int)major;
}

int pg_plan_finish(pg_plan_reader *r, pg_error *err)
{
    int rc = pg_json_finish(r->json, err);
    pg_json_type top;
    int major;

    /* A change that failed earlier in the document is the first error. */
    {
        pg_error werr;
        int wrc;
        pg_error_clear(&werr);
        if ((wrc = drain(r, &werr)) != 0) {
            pg_error_copy(err, &werr);
            return wrc;
        }
    }
    if (rc != 0) {
        explain_syntax_error(r, err);
        if (r->sniffed == 0)
            pg_error_set(err, PG_EPLAN,
                         "empty input: expected the JSON of `terraform show -json PLANFILE`");
        return err && err->code ? err->code : rc;
    }
    top = pg_json_reader_top_type(r->json);
    if (top != PG_JSON_OBJECT)
        return pg_error_set(err, PG_EPLAN,
                            "the input is valid JSON but not a plan (its top-level value is not an object): "
                            "expected the output of `terraform show -json PLANFILE`");
    if (!r->info.format_version[0]) {
        if (r->info.looks_like_state && !r->info.seen_plan_keys)
            return pg_error_set(err, PG_EPLAN,
                                "this is a Terraform state file, not a plan: run `terraform plan -out=tfplan` "
                                "and `terraform show -json tfplan`");
        return pg_error_set(err, PG_EPLAN,
                            "not a plan: no \"format_version\" key (expected the output of `terraform show "
                            "-json PLANFILE`)");
    }
    if (!r->info.seen_plan_keys && !r->info.hcp_redacted) {
        if (r->info.looks_like_state)
            return pg_error_set(err, PG_EPLAN,
                                "this is a state (`terraform show -json` without a plan file), not a plan: "
                                "run `terraform show -json tfplan` on a saved plan");
        /* format_version and nothing else a plan has: an empty object or a
         * fragment. A plan with no changes still has planned_values. */
        return pg_error_set(err, PG_EPLAN,
                            "not a plan: it has \"format_version\" but none of the keys of a plan "
                            "(planned_values, resource_changes, configuration…)");
    }
    major = major_of(r->info.format_version);
    if (major != 0 && major != 1)
        return pg_error_set(err, PG_EPLAN,
                            "unsupported plan format_version \"%s\": plangate reads majors 0 and 1 (a newer "
                            "Terraform may need a newer plangate)",
                            r->info.format_version);
    if (r->info.errored)
        return pg_error_set(err, PG_EERRORED,
                            "the plan is marked \"errored\": true: planning failed and this is a partial plan; "
                            "fix the error `terraform plan` printed (the report still lists the findings of "
                            "what was planned)");
    return PG_OK;
}

void pg_plan_reader_set_filter(pg_plan_reader *r, pg_plan_filter_fn fn, void *ctx)
{
    r->filter = fn;
    r->filter_ctx = ctx;
}

const pg_plan_info *pg_plan_reader_info(const pg_plan_reader *r)
{
    return &r->info;
}

/* A regular file under a few MiB is read faster than a thread starts. */
static int small_file(FILE *f)
{
    struct stat st;

    return fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size < (off_t)(4 << 20);
}

int pg_plan_read_file(const char *path, pg_plan_change_fn fn, void *ctx, const pg_json_limits *limits,
                      pg_plan_info *info_out, pg_error *err)
{
    return pg_plan_read_file_filtered(path, fn, NULL, ctx, limits, info_out, err);
}

int pg_plan_read_file_filtered(const char *path, pg_plan_change_fn fn, pg_plan_filter_fn filter, void *ctx,
                               const pg_json_limits *limits, pg_plan_info *info_out, pg_error *err)
{
    int is_stdin = !path || strcmp(path, "-") == 0;
    FILE *f = NULL;
    char *buf = NULL;
    pg_plan_reader *r = NULL;
    int rc = PG_OK;
    size_t n;

    pg_error_set_source(err, is_stdin ? "<stdin>" : path);
    if (is_stdin) {
        f = stdin;
    } else if (!(f = fopen(path, "rb"))) {
        rc = pg_error_set(err, PG_EIO, "cannot open the plan: %s", strerror(errno));
        goto out;
    }
    buf = pg_malloc(READ_CHUNK);
    r = pg_plan_reader_new(fn, ctx, limits);
    if (!buf || !r) {
        rc = pg_error_set(err, PG_ENOMEM, "out of memory");
        goto out;
    }
    if (filter)
        pg_plan_reader_set_filter(r, filter, ctx);
    /* Decode on a second thread while this one reads and validates. Without
     * threads it all runs here: same results, only slower. */
    if (!getenv("PLANGATE_NO_THREADS") && !small_file(f) && pg_plan_reader_use_thread(r, NULL) != 0)
        r->pipe = NULL;
    /* feof first: a terminal gives one end of file per Ctrl-D, not a lasting one */
    while (!feof(f) && (n = fread(buf, 1, READ_CHUNK, f)) > 0) {
        if ((rc = pg_plan_feed(r, buf, n, err)) != 0) {
            pg_error ignored;
            (void)drain(r, &ignored); /* findings up to the error are kept */
            goto out;
        }
    }
    if (ferror(f)) {
        rc = pg_error_set(err, PG_EIO, "cannot read the plan: %s", strerror(errno));
        goto out;
    }
    rc = pg_plan_finish(r, err);
out:
    if (r && info_out)
        *info_out = r->info;
    pg_plan_reader_free(r);
    pg_free(buf);
    if (f && !is_stdin)
        fclose(f);
    return rc;
}
