/* TEMPORARY stub of policy.h so the library links while src/policy/ is built.
 * The policy module replaces this file (delete it). */
#include "plangate/policy.h"
#include "plangate/alloc.h"

struct pg_policy { int unused; };
pg_policy *pg_policy_new(void) { return pg_calloc(1, sizeof(pg_policy)); }
void pg_policy_free(pg_policy *p) { pg_free(p); }
int pg_policy_load_path(pg_policy *p, const char *path, pg_error *err) { (void)p; (void)path; (void)err; return 0; }
int pg_policy_load_string(pg_policy *p, const char *name, const char *text, size_t len, pg_error *err) { (void)p; (void)name; (void)text; (void)len; (void)err; return 0; }
int pg_policy_load_defaults(pg_policy *p, pg_error *err) { (void)p; (void)err; return 0; }
int pg_policy_detector_enabled(const pg_policy *p, const char *id) { (void)p; (void)id; return 1; }
pg_severity pg_policy_detector_severity(const pg_policy *p, const char *id, pg_severity d) { (void)p; (void)id; return d; }
size_t pg_policy_lock_table_count(const pg_policy *p) { (void)p; return 0; }
const char *pg_policy_lock_table(const pg_policy *p, size_t i) { (void)p; (void)i; return NULL; }
int pg_policy_protects(const pg_policy *p, const pg_change *c, const char **why) { (void)p; (void)c; (void)why; return 0; }
int pg_policy_eval_change(const pg_policy *p, const pg_change *c, pg_findings *out, pg_error *err) { (void)p; (void)c; (void)out; (void)err; return 0; }
int pg_policy_wants(const pg_policy *p, const char *type, pg_action a) { (void)p; (void)type; (void)a; return 0; }
size_t pg_policy_rule_count(const pg_policy *p) { (void)p; return 0; }
const pg_rule_meta *pg_policy_rule(const pg_policy *p, size_t i) { (void)p; (void)i; return NULL; }
int pg_policy_apply_waivers(const pg_policy *p, pg_findings *f, const char *today, pg_waiver_status **out, size_t *n, pg_error *err)
{ (void)p; (void)f; (void)today; (void)err; *out = NULL; *n = 0; return 0; }
size_t pg_policy_example_count(const pg_policy *p) { (void)p; return 0; }
const pg_policy_example *pg_policy_example_at(const pg_policy *p, size_t i) { (void)p; (void)i; return NULL; }
