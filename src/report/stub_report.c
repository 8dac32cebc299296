/* TEMPORARY stub of the report writers so the library links while
 * src/report/ writers are built. The report module replaces this file. */
#include "plangate/report.h"

int pg_report_write(const pg_report *r, pg_report_format format, const pg_report_style *style, FILE *out, pg_error *err)
{
    (void)style; (void)err;
    fprintf(out, "format %d: verdict %d, %zu findings\n", (int)format, (int)r->verdict, r->findings.count);
    return 0;
}
int pg_report_format_from_name(const char *name) { (void)name; return 0; }
const char *pg_report_format_name(pg_report_format f) { (void)f; return "text"; }
