/* action.c — normalised actions and plain-words action reasons (SPEC §2). */
#include "plangate/plan.h"

#include <string.h>

#include "plan/shape.h"

static const char *const action_names[PG_ACTION_COUNT_] = {
    "no-op", "create", "read", "update", "delete", "replace", "forget", "unknown",
};

const char *pg_action_name(pg_action a)
{
    if ((unsigned)a >= PG_ACTION_COUNT_)
        return "unknown";
    return action_names[a];
}

int pg_action_from_name(const char *name)
{
    int i;

    if (!name)
        return -1;
    for (i = 0; i < (int)PG_ACTION_COUNT_; i++)
        if (strcmp(name, action_names[i]) == 0)
            return i;
    return -1;
}

static int is_word(const pg_action_word *w, const char *s)
{
    return w->len == strlen(s) && memcmp(w->s, s, w->len) == 0;
}

/* Does an action word say it destroys? "delete" itself, and any word that
 * holds "delete" or "destroy" in any case ("Delete", "delete-forever",
 * "destroy"): an action list no Terraform writes is judged by what it says,
 * and a verb that names a destroy must not pass as harmless (fail closed). */
static int says_destroy(const char *s, size_t len)
{
    static const char *const verbs[] = {"delete", "destroy"};
    size_t i, j, k;

    for (k = 0; k < sizeof verbs / sizeof verbs[0]; k++) {
        size_t n = strlen(verbs[k]);
        for (i = 0; i + n <= len; i++) {
            for (j = 0; j < n; j++) {
                char c = s[i + j];
                if (c >= 'A' && c <= 'Z')
                    c = (char)(c - 'A' + 'a');
                if (c != verbs[k][j])
                    break;
            }
            if (j == n)
                return 1;
        }
    }
    return 0;
}

pg_action pg_plan__normalise_words(const pg_action_word *w, size_t n, pg_replace_order *order_out,
                                   int *destructive_out)
{
    pg_action a = PG_ACTION_UNKNOWN;
    pg_replace_order order = PG_REPLACE_NONE;
    int has_delete = 0;
    size_t i;

    for (i = 0; i < n; i++)
        if (says_destroy(w[i].s, w[i].len))
            has_delete = 1;
    if (n == 1) {
        if (is_word(&w[0], "no-op"))
            a = PG_ACTION_NOOP;
        else if (is_word(&w[0], "create"))
            a = PG_ACTION_CREATE;
        else if (is_word(&w[0], "read"))
            a = PG_ACTION_READ;
        else if (is_word(&w[0], "update"))
            a = PG_ACTION_UPDATE;
        else if (is_word(&w[0], "delete"))
            a = PG_ACTION_DELETE;
        else if (is_word(&w[0], "forget"))
            a = PG_ACTION_FORGET;
    } else if (n == 2) {
        if (is_word(&w[0], "delete") && is_word(&w[1], "create")) {
            a = PG_ACTION_REPLACE;
            order = PG_REPLACE_DELETE_BEFORE_CREATE;
        } else if (is_word(&w[0], "create") && is_word(&w[1], "delete")) {
            a = PG_ACTION_REPLACE;
            order = PG_REPLACE_CREATE_BEFORE_DESTROY;
        } else if ((is_word(&w[0], "forget") && is_word(&w[1], "create")) ||
                   (is_word(&w[0], "create") && is_word(&w[1], "forget"))) {
            /* OpenTofu's ["forget","create"] and Terraform's ["create","forget"]:
             * the old object leaves state but is not destroyed (SPEC §2). */
            a = PG_ACTION_FORGET;
        }
    }
    if (order_out)
        *order_out = order;
    if (destructive_out)
        *destructive_out = a == PG_ACTION_DELETE || a == PG_ACTION_REPLACE || (a == PG_ACTION_UNKNOWN && has_delete);
    return a;
}

pg_action pg_action_normalise(const json_t *actions, pg_replace_order *order_out, int *destructive_out)
{
    pg_action_word w[PG_ACTION_MAX_WORDS];
    size_t n, i;
    int has_delete = 0, plain = json_is_array(actions);

    n = json_array_size(actions);
    for (i = 0; plain && i < n; i++) {
        const json_t *v = json_array_get(actions, i);
        if (!json_is_string(v)) {
            plain = 0;
        } else {
            has_delete |= says_destroy(json_string_value(v), json_string_length(v));
            if (i < PG_ACTION_MAX_WORDS) {
                w[i].s = json_string_value(v);
                w[i].len = json_string_length(v);
            }
        }
    }
    if (plain && n <= PG_ACTION_MAX_WORDS)
        return pg_plan__normalise_words(w, n, order_out, destructive_out);
    /* Not a list of strings, or longer than any Terraform writes: unknown,
     * destructive when a word says delete or destroy. */
    if (order_out)
        *order_out = PG_REPLACE_NONE;
    if (destructive_out)
        *destructive_out = has_delete;
    return PG_ACTION_UNKNOWN;
}

static const struct {
    const char *reason;
    const char *words;
} reasons[] = {
    {"replace_because_cannot_update",
     "an argument that cannot be changed in place changed, so Terraform must destroy and re-create it"},
    {"replace_because_tainted", "the object is tainted (a failed create or `terraform taint`), so it is re-created"},
    {"replace_by_request", "replacement was requested with -replace"},
    {"replace_by_triggers", "replace_triggered_by in its lifecycle block fired"},
    {"delete_because_no_resource_config", "its resource block is gone from the configuration"},
    {"delete_because_no_module", "the module that held it is gone from the configuration"},
    {"delete_because_count_index", "its count index is now out of range (count shrank or shifted)"},
    {"delete_because_each_key", "its for_each key is no longer in the for_each collection"},
    {"delete_because_wrong_repetition", "the resource switched between count, for_each and a single instance"},
    {"delete_because_no_move_target", "a moved block points to an address that no longer exists"},
    {"read_because_config_unknown", "the data source's configuration depends on values known only after apply"},
    {"read_because_dependency_pending", "the data source depends on a resource with pending changes"},
    {"read_because_check_nested", "the data source is nested in a check block"},
};

const char *pg_action_reason_words(const char *reason)
{
    size_t i;

    if (!reason)
        return NULL;
    for (i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
        if (strcmp(reason, reasons[i].reason) == 0)
            return reasons[i].words;
    return NULL;
}
