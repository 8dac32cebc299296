/* TEMPORARY stub of detect.h so the library links while src/detect/ is built.
 * The detect module replaces this file (delete it). */
#include "plangate/detect.h"
#include "plangate/alloc.h"

struct pg_detect_run { int unused; };
int pg_backend_load(pg_backend *out, const char *path, pg_error *err) { (void)out; return pg_error_set(err, PG_EIO, "%s: backend files are not supported yet", path); }
void pg_backend_dispose(pg_backend *b) { (void)b; }
size_t pg_detector_count(void) { return 0; }
const pg_detector *pg_detector_at(size_t i) { (void)i; return NULL; }
const pg_detector *pg_detector_find(const char *id) { (void)id; return NULL; }
int pg_detect_run_new(pg_detect_run **out, const pg_detect_env *env, pg_error *err) { (void)env; *out = pg_calloc(1, sizeof(pg_detect_run)); return *out ? 0 : pg_error_set(err, PG_ENOMEM, "out of memory"); }
int pg_detect_run_change(pg_detect_run *run, const pg_change *c, pg_findings *out, pg_error *err) { (void)run; (void)c; (void)out; (void)err; return 0; }
int pg_detect_run_end(pg_detect_run *run, const pg_plan_info *info, pg_findings *out, pg_error *err) { (void)run; (void)info; (void)out; (void)err; return 0; }
int pg_detect_run_wants(const pg_detect_run *run, const char *type, pg_action a) { (void)run; (void)type; (void)a; return 1; }
void pg_detect_run_free(pg_detect_run *run) { pg_free(run); }
int pg_detect_is_named_lock_table(const pg_detect_env *env, const char *n) { (void)env; (void)n; return 0; }
