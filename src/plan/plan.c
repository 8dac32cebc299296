/* plan.c — a whole plan, streamed: top-level keys, the version, what makes a
 * document a plan, and one decoded pg_change at a time (SPEC §2), read from a
 * file or a pipe on one thread or two. Knows Terraform's plan format; the
 * JSON itself is the reader's business. */
#include "plangate/plan.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plan/pipeline.h"
#include "plan/shape.h"
#include "plan/skip.h"
#include "plangate/alloc.h"
#include "util/quote.h"

/* How many leading bytes we keep to explain a failure ("this is a zip"). */
#define SNIFF_BYTES 256
/* The fixed-size read buffer of pg_plan_read (memory does not grow with the plan). */
#define READ_CHUNK ((size_t)1 << 20)

/* MARK: top-level keys ---------------------------------------------------- */

/* Top-level keys we look at; each may appear once (a duplicate could hide
 * changes from a reader that keeps the last one, as Terraform's does). */
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
    KEY_PLANNED_VALUES,
    KEY_COUNT_
} top_key;

#define T(t) (1u << (t))

/* PG_EPLAN at a byte offset (a message about the value that starts there). */
#define fail_at(err, off, ...) \
    (pg_error_set((err), PG_EPLAN, __VA_ARGS__), pg_error_at_offset((err), (off)), PG_EPLAN)

/* Each key's name, the JSON types its value may have, and how we read it. */
static const struct {
    const char *name;
    unsigned types;
    const char *types_words;
    pg_json_capture mode;
} keys[KEY_COUNT_] = {
    {"", 0, "", PG_JSON_SKIP},
    {"format_version", T(PG_JSON_STRING), "a string", PG_JSON_VALUE},
    {"plan_format_version", T(PG_JSON_STRING), "a string", PG_JSON_VALUE},
    {"terraform_version", T(PG_JSON_STRING), "a string", PG_JSON_VALUE},
    {"resource_changes", T(PG_JSON_ARRAY) | T(PG_JSON_NULL), "an array", PG_JSON_ELEMENTS},
    {"resource_drift", T(PG_JSON_ARRAY) | T(PG_JSON_NULL), "an array", PG_JSON_ELEMENTS},
    {"errored", T(PG_JSON_TRUE) | T(PG_JSON_FALSE), "true or false", PG_JSON_VALUE},
    {"complete", T(PG_JSON_TRUE) | T(PG_JSON_FALSE), "true or false", PG_JSON_VALUE},
    {"applyable", T(PG_JSON_TRUE) | T(PG_JSON_FALSE), "true or false", PG_JSON_VALUE},
    {"deferred_changes", T(PG_JSON_ARRAY) | T(PG_JSON_NULL), "an array", PG_JSON_ELEMENTS},
    {"planned_values", T(PG_JSON_OBJECT), "an object", PG_JSON_SKIP},
};

/* Keys that only a plan has (a state file, even `terraform show -json` of
 * one, has none of them). */
static const char *const plan_only_keys[] = {
    "resource_changes", "resource_drift", "planned_values", "prior_state", "configuration",
    "output_changes", "relevant_attributes", "applyable", "complete", "errored",
    "deferred_changes", "plan_format_version", "checks",
};

/* Keys of a raw terraform.tfstate file. */
static const char *const state_keys[] = {"serial", "lineage", "resources", "values"};

/* MARK: state -------------------------------------------------------------- */

/* The reading thread's facts as of one change: queued with it, so that when
 * the worker fails on that change the report says what a single-threaded
 * read would have said (the reader may have read further meanwhile). */
typedef struct snapshot {
    pg_plan_info info;
    long skipped[PG_ACTION_COUNT_];
} snapshot;

struct pg_plan_reader {
    pg_json_reader *json;
    pg_plan_change_fn fn;
    void *ctx;
    pg_plan_filter_fn filter;
    void *filter_ctx;
    pg_json_limits limits;
    pg_pipeline *pipe;             /* NULL: changes are decoded on the reading thread */
    int settled;                   /* the worker was joined and the counts added up */

    /* Owned by the reading thread. info.counts stays zero until settle(). */
    pg_plan_info info;
    long skipped[PG_ACTION_COUNT_]; /* changes counted without being decoded */
    unsigned seen;                 /* bit per top_key */
    char plan_format_version[32];  /* HCP's, kept apart: it must agree with format_version */
    int has_format_version;
    int has_plan_format_version;
    int has_plan_body;             /* resource_changes as an array */
    pg_json_type planned_values_type; /* PG_JSON_NONE when absent */
    uint64_t planned_values_at;
    unsigned char sniff[SNIFF_BYTES];
    size_t sniffed;

    /* Owned by the decoding side (the worker while it runs). */
    long decoded[PG_ACTION_COUNT_];
    int worker_failed;
    snapshot at_failure;
};

static top_key classify(const char *key)
{
    int i;

    for (i = 1; i < (int)KEY_COUNT_; i++)
        if (strcmp(key, keys[i].name) == 0)
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

static int is_null(const char *raw, size_t len)
{
    return len == 4 && memcmp(raw, "null", 4) == 0;
}

/* MARK: reader callbacks ---------------------------------------------------- */

static pg_json_capture on_top_key(void *ctx, const char *key, size_t key_len)
{
    pg_plan_reader *r = ctx;

    if (strlen(key) != key_len) /* a NUL inside: never one of ours */
        return PG_JSON_SKIP;
    if (in_list(key, plan_only_keys, sizeof plan_only_keys / sizeof plan_only_keys[0]))
        r->info.seen_plan_keys = 1;
    if (in_list(key, state_keys, sizeof state_keys / sizeof state_keys[0]))
        r->info.looks_like_state = 1;
    return keys[classify(key)].mode;
}

/* Each key we read appears once, with a value of its type. */
static int on_member_type(void *ctx, const char *key, size_t key_len, pg_json_type type, uint64_t offset,
                          pg_error *err)
{
    pg_plan_reader *r = ctx;
    top_key k = strlen(key) == key_len ? classify(key) : KEY_OTHER;

    if (k == KEY_OTHER)
        return PG_OK;
    if (r->seen & (1u << k))
        return fail_at(err, offset,
                                  "the key \"%s\" appears twice in the plan; a plan has it once (was the file "
                                  "concatenated or edited?)",
                                  keys[k].name);
    r->seen |= 1u << k;
    if (k == KEY_PLANNED_VALUES) {
        /* Judged with the whole document (check_document): an error inside
         * it, found later, comes first, as it did before the check. */
        r->planned_values_type = type;
        r->planned_values_at = offset;
        return PG_OK;
    }
    if (!(keys[k].types & T(type)))
        return fail_at(err, offset, "\"%s\" must be %s", keys[k].name, keys[k].types_words);
    if (k == KEY_RESOURCE_CHANGES && type == PG_JSON_ARRAY)
        r->has_plan_body = 1;
    return PG_OK;
}

static int copy_version(char *dst, size_t size, const json_t *v, const char *key, pg_error *err)
{
    if (json_string_length(v) >= size)
        return pg_error_set(err, PG_EPLAN, "\"%s\" is too long to be a version", key);
    memcpy(dst, json_string_value(v), json_string_length(v) + 1);
    return PG_OK;
}

static void decode_options(const pg_plan_reader *r, uint64_t offset, pg_json_decode_options *o)
{
    memset(o, 0, sizeof *o);
    o->limits = r->limits;
    o->base_offset = offset;
    o->validated = 1; /* the reader captured it: valid JSON, not checked again */
}

/* A whole value of a key we read (its type was checked at its first byte). */
static int scalar_value(pg_plan_reader *r, top_key k, const char *raw, size_t raw_len, uint64_t offset,
                        pg_error *err)
{
    pg_json_decode_options opts;
    json_t *v = NULL;
    int rc;

    decode_options(r, offset, &opts);
    if ((rc = pg_json_decode(&v, raw, raw_len, &opts, err)) != 0)
        return rc;
    switch (k) {
    case KEY_FORMAT_VERSION:
        rc = copy_version(r->info.format_version, sizeof r->info.format_version, v, keys[k].name, err);
        r->has_format_version = 1;
        break;
    case KEY_PLAN_FORMAT_VERSION:
        rc = copy_version(r->plan_format_version, sizeof r->plan_format_version, v, keys[k].name, err);
        r->has_plan_format_version = 1;
        r->info.hcp_redacted = 1;
        if (rc == 0 && !r->has_format_version)
            memcpy(r->info.format_version, r->plan_format_version, sizeof r->info.format_version);
        break;
    case KEY_TERRAFORM_VERSION:
        rc = copy_version(r->info.terraform_version, sizeof r->info.terraform_version, v, keys[k].name, err);
        break;
    case KEY_ERRORED:
        r->info.errored = json_is_true(v);
        break;
    case KEY_COMPLETE:
        r->info.complete = json_is_true(v);
        break;
    case KEY_APPLYABLE:
        r->info.applyable = json_is_true(v);
        break;
    default:
        break;
    }
    json_decref(v);
    return rc;
}

/* Decode one change and run the callback; on the worker thread when there is one. */
static int change_value(pg_plan_reader *r, top_key k, long index, const char *raw, size_t raw_len,
                        uint64_t offset, pg_error *err)
{
    pg_json_decode_options opts;
    json_t *element = NULL;
    pg_change change;
    int rc;

    decode_options(r, offset, &opts);
    /* A duplicated key inside a change could show one value to us and another
     * to Terraform: refuse it (docs/internals/plan.md). */
    opts.reject_duplicate_keys = 1;
    if ((rc = pg_json_decode(&element, raw, raw_len, &opts, err)) != 0)
        goto out;
    if ((rc = pg_change_init(&change, element, k == KEY_RESOURCE_DRIFT ? PG_ORIGIN_DRIFT : PG_ORIGIN_PLANNED,
                             err)) != 0)
        goto out;
    if ((rc = pg_plan__check_change(&change, err)) == 0) {
        change.index_in_plan = index;
        change.offset = offset;
        if (k == KEY_RESOURCE_CHANGES)
            r->decoded[change.action]++;
        rc = r->fn ? r->fn(r->ctx, &change, err) : 0;
    }
    pg_change_dispose(&change);
out:
    /* Whichever thread found it, the error names the change's offset. */
    if (rc != 0 && err && !err->has_offset)
        pg_error_at_offset(err, offset);
    return rc;
}

/* The worker thread's side of the pipeline. */
static int on_queued_change(void *ctx, const pg_pipeline_item *item, pg_error *err)
{
    pg_plan_reader *r = ctx;
    int rc = change_value(r, (top_key)item->kind, item->index, item->raw, item->len, item->offset, err);

    if (rc != 0 && !r->worker_failed) {
        r->worker_failed = 1;
        memcpy(&r->at_failure, item->meta, sizeof r->at_failure);
    }
    return rc;
}

/* One element of resource_changes or resource_drift. */
static int element_value(pg_plan_reader *r, top_key k, long index, const char *raw, size_t raw_len,
                         uint64_t offset, pg_error *err)
{
    if (k == KEY_RESOURCE_CHANGES)
        r->info.resource_changes++;
    else
        r->info.drift++;
    if (r->filter && k == KEY_RESOURCE_CHANGES) {
        /* The reader indexed the element's keys while validating it:
         * deciding here costs no second scan, and a skipped change is never
         * copied to the worker. Without an index (more keys than it holds,
         * or not an object) the change is decoded, which decides all. */
        const pg_json_key_pos *index_keys;
        size_t n_keys;
        pg_action skipped;
        if (pg_json_reader_capture_keys(r->json, &index_keys, &n_keys) == 0 &&
            pg_plan__skip_decision(raw, raw_len, index_keys, n_keys, r->filter, r->filter_ctx, &skipped) ==
                PG_SKIP_COUNT_ONLY) {
            r->skipped[skipped]++;
            return PG_OK;
        }
    }
    if (r->pipe) {
        snapshot snap;
        pg_pipeline_item item;
        char *owned = NULL;
        snap.info = r->info;
        memcpy(snap.skipped, r->skipped, sizeof snap.skipped);
        item.kind = (int)k;
        item.index = index;
        item.raw = raw;
        item.len = raw_len;
        item.offset = offset;
        item.meta = &snap;
        /* A change that spanned reads is handed over, not copied. */
        if (pg_json_reader_take_capture(r->json, &owned) != 0)
            owned = NULL;
        return pg_pipeline_push(r->pipe, &item, owned, err);
    }
    return change_value(r, k, index, raw, raw_len, offset, err);
}

static int on_value(void *ctx, const char *key, size_t key_len, long index, const char *raw, size_t raw_len,
                    uint64_t offset, pg_error *err)
{
    pg_plan_reader *r = ctx;
    top_key k = classify(key);
    int rc = PG_OK;

    (void)key_len;
    switch (k) {
    case KEY_RESOURCE_CHANGES:
    case KEY_RESOURCE_DRIFT:
        if (index < 0) /* "resource_changes": null — nothing planned */
            return is_null(raw, raw_len) ? PG_OK : pg_error_set(err, PG_EINTERNAL, "\"%s\" is not an array", key);
        rc = element_value(r, k, index, raw, raw_len, offset, err);
        break;
    case KEY_DEFERRED_CHANGES:
        if (index >= 0)
            r->info.deferred_changes++;
        return PG_OK;
    default:
        rc = scalar_value(r, k, raw, raw_len, offset, err);
        break;
    }
    if (rc != 0 && err && !err->has_offset)
        pg_error_at_offset(err, offset);
    return rc;
}

static int on_elements_end(void *ctx, const char *key, size_t key_len, long count, pg_error *err)
{
    pg_plan_reader *r = ctx;

    (void)key_len;
    (void)count;
    (void)err;
    if (classify(key) == KEY_RESOURCE_CHANGES)
        r->info.has_resource_changes = 1;
    return PG_OK;
}

/* MARK: the reader -------------------------------------------------------- */

int pg_plan_reader_new(pg_plan_reader **out, pg_plan_change_fn fn, void *ctx, const pg_json_limits *limits,
                       pg_error *err)
{
    pg_plan_reader *r;
    pg_json_handler h;
    int rc;

    *out = NULL;
    if (!(r = pg_calloc(1, sizeof *r)))
        return pg_error_oom(err);
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
    h.member_type = on_member_type;
    h.ctx = r;
    if ((rc = pg_json_reader_new(&r->json, &h, limits, err)) != 0) {
        pg_free(r);
        return rc;
    }
    *out = r;
    return PG_OK;
}

void pg_plan_reader_free(pg_plan_reader *r)
{
    if (!r)
        return;
    pg_pipeline_free(r->pipe);
    pg_json_reader_free(r->json);
    pg_free(r);
}

int pg_plan_reader_use_thread(pg_plan_reader *r, pg_error *err)
{
    if (r->pipe)
        return PG_OK;
    return pg_pipeline_start(&r->pipe, on_queued_change, r, sizeof(snapshot), err);
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

unsigned long pg_plan_threads_started(void)
{
    return pg_pipeline_started();
}

/*
 * Join the worker (if any) and add up the counts: on every path, before
 * anything reads the facts. The worker's error, if it failed, stands over
 * `rc` — its change comes earlier in the document than anything the reader
 * found since — and so do the facts as of that change. Returns the error
 * that stands.
 */
static int settle(pg_plan_reader *r, int rc, pg_error *err)
{
    size_t a;

    if (r->settled)
        return rc;
    r->settled = 1;
    if (r->pipe) {
        pg_error werr;
        int wrc;
        pg_error_clear(&werr);
        if ((wrc = pg_pipeline_finish(r->pipe, &werr)) != 0) {
            if (r->worker_failed) {
                r->info = r->at_failure.info;
                memcpy(r->skipped, r->at_failure.skipped, sizeof r->skipped);
            }
            pg_error_copy(err, &werr);
            rc = wrc;
        }
    }
    for (a = 0; a < PG_ACTION_COUNT_; a++)
        r->info.counts[a] = r->decoded[a] + r->skipped[a];
    return rc;
}

/* MARK: what the input is ---------------------------------------------------- */

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
        char q[64];
        while (shown < r->sniffed && shown < 40 && r->sniff[shown] != '\n' && r->sniff[shown] != '\r')
            shown++;
        pg_error_set(err, PG_EPLAN,
                     "text before the JSON (%s): a CI wrapper printed its command line into the output; "
                     "turn the wrapper off (hashicorp/setup-terraform: terraform_wrapper: false) or use "
                     "terraform-bin show -json",
                     pg_quote_fixed(q, sizeof q, (const char *)r->sniff, shown));
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
    long major = 0;
    size_t i;

    for (i = 0; v[i] >= '0' && v[i] <= '9'; i++)
        if ((major = major * 10 + (v[i] - '0')) > 1000)
            return -1;
    if (i == 0 || (v[i] != '.' && v[i] != '\0'))
        return -1;
    return (int)major;
}

/*
 * What a document needs to be a plan (issue 11; docs/internals/plan.md):
 * an object with a version — format_version, or HCP Terraform's
 * plan_format_version, equal when both are there — and what says what the
 * plan does: resource_changes as an array, or planned_values (every
 * `terraform show -json` of a plan has it; a plan without changes has no
 * resource_changes). A document that says nothing would pass while the
 * plan it stands for may destroy anything.
 */
static int check_document(const pg_plan_reader *r, pg_error *err)
{
    char a[48], b[48];
    int major;

    if (pg_json_reader_top_type(r->json) != PG_JSON_OBJECT)
        return pg_error_set(err, PG_EPLAN,
                            "the input is valid JSON but not a plan (its top-level value is not an object): "
                            "expected the output of `terraform show -json PLANFILE`");
    if (!r->has_format_version && !r->has_plan_format_version) {
        if (r->info.looks_like_state && !r->info.seen_plan_keys)
            return pg_error_set(err, PG_EPLAN,
                                "this is a Terraform state file, not a plan: run `terraform plan -out=tfplan` "
                                "and `terraform show -json tfplan`");
        return pg_error_set(err, PG_EPLAN,
                            "not a plan: no \"format_version\" key (expected the output of `terraform show "
                            "-json PLANFILE`)");
    }
    if (r->has_format_version && r->has_plan_format_version &&
        strcmp(r->info.format_version, r->plan_format_version) != 0)
        return pg_error_set(err, PG_EPLAN,
                            "the plan has two versions that disagree: \"format_version\" %s and "
                            "\"plan_format_version\" %s (a plan has one; was the file edited?)",
                            pg_quote_str(a, sizeof a, r->info.format_version),
                            pg_quote_str(b, sizeof b, r->plan_format_version));
    if (r->planned_values_type != PG_JSON_NONE && r->planned_values_type != PG_JSON_OBJECT)
        return fail_at(err, r->planned_values_at, "\"planned_values\" must be an object");
    if (!r->has_plan_body && r->planned_values_type != PG_JSON_OBJECT) {
        if (r->info.looks_like_state)
            return pg_error_set(err, PG_EPLAN,
                                "this is a state (`terraform show -json` without a plan file), not a plan: "
                                "run `terraform show -json tfplan` on a saved plan");
        /* A version and nothing that says what the plan does: an empty
         * object, a fragment, or a configuration. */
        return pg_error_set(err, PG_EPLAN,
                            "not a plan: it has a version but neither \"resource_changes\" nor "
                            "\"planned_values\", which every plan has (expected the output of `terraform "
                            "show -json PLANFILE`)");
    }
    major = major_of(r->info.format_version);
    if (major != 0 && major != 1)
        return pg_error_set(err, PG_EPLAN,
                            "unsupported plan format_version %s: plangate reads majors 0 and 1 (a newer "
                            "Terraform may need a newer plangate)",
                            pg_quote_str(a, sizeof a, r->info.format_version));
    return PG_OK;
}

int pg_plan_finish(pg_plan_reader *r, pg_error *err)
{
    int rc = pg_json_finish(r->json, err);

    /* A change that failed earlier in the document is the first error. */
    if ((rc = settle(r, rc, err)) != 0) {
        explain_syntax_error(r, err);
        if (r->sniffed == 0)
            pg_error_set(err, PG_EPLAN, "empty input: expected the JSON of `terraform show -json PLANFILE`");
        return err && err->code ? err->code : rc;
    }
    if ((rc = check_document(r, err)) != 0)
        return rc;
    if (r->info.errored)
        return pg_error_set(err, PG_EERRORED,
                            "the plan is marked \"errored\": true: planning failed and this is a partial plan; "
                            "fix the error `terraform plan` printed (the report still lists the findings of "
                            "what was planned)");
    return PG_OK;
}

/* MARK: reading a file or a pipe --------------------------------------------- */

/* Fill buf with up to `size` bytes; *got < size only at the end of input. A
 * non-blocking pipe (a parent such as node or make may leave stdin so) says
 * EAGAIN while its writer pauses: wait for data instead of failing. */
static int read_full(int fd, char *buf, size_t size, size_t *got, pg_error *err)
{
    size_t n = 0;

    while (n < size) {
        ssize_t k = read(fd, buf + n, size - n);
        if (k > 0) {
            n += (size_t)k;
            continue;
        }
        if (k == 0)
            break;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            struct pollfd pfd;
            pfd.fd = fd;
            pfd.events = POLLIN;
            pfd.revents = 0;
            if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
                return pg_error_set(err, PG_EIO, "cannot wait for the plan: %s", strerror(errno));
            continue;
        }
        return pg_error_set(err, PG_EIO, "cannot read the plan: %s", strerror(errno));
    }
    *got = n;
    return PG_OK;
}

static int wants_thread(int fd, pg_plan_threads threads)
{
    struct stat st;

    if (threads != PG_PLAN_THREADS_AUTO)
        return threads == PG_PLAN_THREADS_ALWAYS;
    /* A regular file under a few MiB is read faster than a thread starts. */
    return !(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uintmax_t)st.st_size < PG_PLAN_THREAD_MIN_BYTES);
}

int pg_plan_read(const char *path, const pg_plan_read_options *opts, pg_plan_info *info_out, pg_error *err)
{
    int is_stdin = !path || strcmp(path, "-") == 0;
    int fd = -1;
    char *buf = NULL;
    pg_plan_reader *r = NULL;
    int rc = PG_OK;
    size_t n = READ_CHUNK;

    pg_error_set_source(err, is_stdin ? "<stdin>" : path);
    if (is_stdin) {
        fd = STDIN_FILENO;
    } else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        rc = pg_error_set(err, PG_EIO, "cannot open the plan: %s", strerror(errno));
        goto out;
    }
    if (!(buf = pg_malloc(READ_CHUNK))) {
        rc = pg_error_oom(err);
        goto out;
    }
    if ((rc = pg_plan_reader_new(&r, opts->fn, opts->ctx, &opts->limits, err)) != 0)
        goto out;
    if (opts->filter)
        pg_plan_reader_set_filter(r, opts->filter, opts->ctx);
    /* Decode on a second thread while this one reads and validates. Without
     * it all runs here: same results, only slower. */
    if (wants_thread(fd, opts->threads))
        (void)pg_plan_reader_use_thread(r, NULL);
    while (rc == 0 && n == READ_CHUNK && (rc = read_full(fd, buf, READ_CHUNK, &n, err)) == 0 && n > 0)
        rc = pg_plan_feed(r, buf, n, err);
    if (rc == 0)
        rc = pg_plan_finish(r, err);
    else
        rc = settle(r, rc, err); /* findings up to the error are kept */
out:
    if (r && info_out)
        *info_out = r->info;
    pg_plan_reader_free(r);
    pg_free(buf);
    if (fd >= 0 && !is_stdin)
        close(fd);
    return rc;
}

int pg_plan_read_file_filtered(const char *path, pg_plan_change_fn fn, pg_plan_filter_fn filter, void *ctx,
                               const pg_json_limits *limits, pg_plan_info *info_out, pg_error *err)
{
    pg_plan_read_options o;

    memset(&o, 0, sizeof o);
    o.fn = fn;
    o.filter = filter;
    o.ctx = ctx;
    if (limits)
        o.limits = *limits;
    return pg_plan_read(path, &o, info_out, err);
}

int pg_plan_read_file(const char *path, pg_plan_change_fn fn, void *ctx, const pg_json_limits *limits,
                      pg_plan_info *info_out, pg_error *err)
{
    return pg_plan_read_file_filtered(path, fn, NULL, ctx, limits, info_out, err);
}
