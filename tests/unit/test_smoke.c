#include <criterion/criterion.h>
#include "plangate/plangate.h"
Test(smoke, version) { cr_assert_str_eq(PG_VERSION, "0.1.0"); }
