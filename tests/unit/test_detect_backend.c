/* test_detect_backend.c — pg_backend_load's errors come from jansson's error
 * code, in our words, with the position in the record: never jansson's
 * message text, which quotes the input (issue 12; issue 11 for the raw
 * control characters it would carry). */
#include <criterion/criterion.h>
#include <string.h>

#include "test_detect_support.h"

#define BACKEND(name) PG_TESTDATA "/backend/" name

static int has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    return 0;
}

Test(detect_backend, invalid_json_never_quotes_the_input)
{
    /* The file holds ESC ] 0 ; … BEL (an OSC that retitles a terminal) where a value should be. */
    pg_backend b;
    pg_error err;

    pg_error_clear(&err);
    cr_assert_eq(pg_backend_load(&b, BACKEND("not-backend-control-chars.tfstate"), &err), PG_EPLAN);
    cr_assert_not(has_control(err.message), "raw control character in: %s", err.message);
    cr_assert_null(strstr(err.message, "pwned"), "%s", err.message);
    cr_assert_str_eq(err.message, "not a backend file: invalid JSON: the syntax is wrong (pass the "
                                  ".terraform/terraform.tfstate that terraform init writes)");
    cr_assert_eq(err.line, 1);
    cr_assert_eq(err.column, 64);
    cr_assert_str_eq(err.source, BACKEND("not-backend-control-chars.tfstate"));
}

Test(detect_backend, each_jansson_code_has_its_words)
{
    pg_backend b;
    pg_error err;

    cr_assert_eq(pg_backend_load(&b, BACKEND("not-backend-truncated.tfstate"), &err), PG_EPLAN);
    cr_assert(det_has(err.message, "invalid JSON: it ends too early"), "%s", err.message);
    cr_assert_eq(err.line, 1);
}

Test(detect_backend, a_directory_is_unreadable_not_invalid)
{
    pg_backend b;
    pg_error err;

    cr_assert_eq(pg_backend_load(&b, PG_TESTDATA "/backend", &err), PG_EIO);
    cr_assert(det_has(err.message, "cannot read the backend file: "), "%s", err.message);
    cr_assert_null(b.type);
}

Test(detect_backend, a_missing_file_says_why_once)
{
    pg_backend b;
    pg_error err;
    char line[PG_ERROR_MESSAGE_MAX + PG_ERROR_SOURCE_MAX];

    pg_error_clear(&err);
    cr_assert_eq(pg_backend_load(&b, BACKEND("does-not-exist.tfstate"), &err), PG_EIO);
    cr_assert_str_eq(err.message, "cannot read the backend file: No such file or directory");
    /* The file is named once, by the record's source, not again inside the message. */
    pg_error_format(&err, line, sizeof line);
    cr_assert_str_eq(line, BACKEND("does-not-exist.tfstate") ": cannot read the backend file: No such file or directory");
}
