int pg_cmd_check(int argc, char **argv); int pg_cmd_check(int argc, char **argv) { (void)argc; (void)argv; return 2; }
