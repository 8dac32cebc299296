/* TEMPORARY stub of json.h so the library links while src/json/ is built.
 * The json module replaces this file (delete it). */
#include "plangate/json.h"

pg_json_reader *pg_json_reader_new(const pg_json_handler *h, const pg_json_limits *l) { (void)h; (void)l; return NULL; }
void pg_json_reader_free(pg_json_reader *r) { (void)r; }
int pg_json_feed(pg_json_reader *r, const char *buf, size_t len, pg_error *err) { (void)r; (void)buf; (void)len; return pg_error_set(err, PG_EINTERNAL, "reader not built"); }
int pg_json_finish(pg_json_reader *r, pg_error *err) { (void)r; return pg_error_set(err, PG_EINTERNAL, "reader not built"); }
pg_json_type pg_json_reader_top_type(const pg_json_reader *r) { (void)r; return PG_JSON_NONE; }
pg_json_encoding pg_json_reader_encoding(const pg_json_reader *r) { (void)r; return PG_JSON_UTF8; }
uint64_t pg_json_reader_offset(const pg_json_reader *r) { (void)r; return 0; }
int pg_json_decode(json_t **out, const char *raw, size_t len, const pg_json_decode_options *o, pg_error *err)
{ json_error_t je; (void)o; *out = json_loadb(raw, len, JSON_DECODE_ANY, &je); return *out ? 0 : pg_error_set(err, PG_ESYNTAX, "%s", je.text); }
