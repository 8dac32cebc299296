# SPDX-License-Identifier: Apache-2.0
# group: test
# make install / uninstall, the libraries, plangate.pc, the public headers
# (issue 16: install it like any tool, use the C library from a program).

# What make install writes under PREFIX=/usr with Debian's multiarch LIBDIR.
installed_files() {
    cat <<LIST
usr/bin/plangate
usr/share/man/man1/plangate.1
usr/include/plangate/plangate.h
usr/include/plangate/check.h
usr/lib/x86_64-linux-gnu/libplangate.a
usr/lib/x86_64-linux-gnu/libplangate.so.$VERSION
usr/lib/x86_64-linux-gnu/pkgconfig/plangate.pc
usr/share/bash-completion/completions/plangate
usr/share/zsh/site-functions/_plangate
usr/share/plangate/policies/protect.yaml
LIST
}

t_install_with_destdir_then_uninstall() {
    stage="$T/stage"
    vars="DESTDIR=$stage PREFIX=/usr LIBDIR=/usr/lib/x86_64-linux-gnu"
    # shellcheck disable=SC2086 # one word per variable
    $MAKE -s -C "$SRC" BUILD="$BUILD" $vars install > "$T/install.log" 2>&1 || { cat "$T/install.log"; fail "make install"; }
    for f in $(installed_files); do assert_file "$stage/$f"; done
    [ "$(ls "$stage/usr/include/plangate" | wc -l)" = "$(ls "$SRC/include/plangate" | wc -l)" ] ||
        fail "every public header is installed"
    lib="$stage/usr/lib/x86_64-linux-gnu"
    assert_eq "$(readlink "$lib/libplangate.so.0")" "libplangate.so.$VERSION" "the soname link"
    assert_eq "$(readlink "$lib/libplangate.so")" "libplangate.so.0" "the link a linker uses"
    readelf -d "$lib/libplangate.so.$VERSION" | grep -q 'Library soname: \[libplangate.so.0\]' || fail "soname"
    [ -x "$stage/usr/bin/plangate" ] || fail "the binary is executable"
    pc=$(cat "$lib/pkgconfig/plangate.pc")
    assert_contains "$pc" "libdir=/usr/lib/x86_64-linux-gnu" "LIBDIR reaches plangate.pc"
    assert_contains "$pc" "includedir=/usr/include" "INCLUDEDIR reaches plangate.pc"
    assert_contains "$pc" "Version: $VERSION" "the version"
    assert_lacks "$pc" "$stage" "DESTDIR stays out of plangate.pc"
    # The installed default pack is the compiled-in one.
    for p in "$SRC"/policies/*.yaml; do cmp -s "$p" "$stage/usr/share/plangate/policies/$(basename "$p")" || fail "$p"; done
    # shellcheck disable=SC2086
    $MAKE -s -C "$SRC" BUILD="$BUILD" $vars uninstall > "$T/uninstall.log" 2>&1 || { cat "$T/uninstall.log"; fail "make uninstall"; }
    left=$(find "$stage" ! -type d)
    assert_eq "$left" "" "make uninstall removes every file make install wrote"
    [ ! -d "$stage/usr/include/plangate" ] && [ ! -d "$stage/usr/share/plangate" ] || fail "plangate's own folders go too"
}

t_bindir_mandir_includedir_are_honoured() {
    stage="$T/stage"
    $MAKE -s -C "$SRC" BUILD="$BUILD" DESTDIR="$stage" PREFIX=/opt/pg BINDIR=/opt/pg/sbin MANDIR=/opt/pg/man \
        INCLUDEDIR=/opt/pg/inc LIBDIR=/opt/pg/lib64 install > "$T/log" 2>&1 || { cat "$T/log"; fail install; }
    assert_file "$stage/opt/pg/sbin/plangate"
    assert_file "$stage/opt/pg/man/man1/plangate.1"
    assert_file "$stage/opt/pg/inc/plangate/plangate.h"
    assert_file "$stage/opt/pg/lib64/libplangate.a"
    assert_file "$stage/opt/pg/lib64/pkgconfig/plangate.pc"
    assert_contains "$(cat "$stage/opt/pg/lib64/pkgconfig/plangate.pc")" "includedir=/opt/pg/inc" "pc"
}

write_program() {
    cat > "$T/prog.c" <<'C'
/* A third-party program: the version and waiver day through the public API. */
#include <stdio.h>
#include <plangate/plangate.h>

int main(void)
{
    char day[11];
    pg_error err;

    pg_error_clear(&err);
    printf("plangate %s\n", PG_VERSION);
    if (pg_check_today(day, "1700000000", &err) != 0) {
        fprintf(stderr, "pg_check_today: %s\n", err.message);
        return 1;
    }
    printf("%s\n", day);
    return 0;
}
C
}

t_a_program_builds_with_pkg_config() {
    prefix="$T/prefix"
    $MAKE -s -C "$SRC" BUILD="$BUILD" PREFIX="$prefix" install > "$T/log" 2>&1 || { cat "$T/log"; fail install; }
    write_program
    export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
    flags=$(pkg-config --cflags --libs plangate) || fail "pkg-config knows plangate"
    # shellcheck disable=SC2086
    $CC -std=c11 -Wall -Wextra -Werror -o "$T/prog" "$T/prog.c" $flags || fail "cc prog.c \$(pkg-config ...)"
    readelf -d "$T/prog" | grep -q 'NEEDED.*\[libplangate.so.0\]' || fail "linked against the shared library"
    out=$(LD_LIBRARY_PATH="$prefix/lib" "$T/prog") || fail "the program runs"
    assert_eq "$out" "plangate $VERSION
2023-11-14" "PG_VERSION and pg_check_today"
    # The static library with --static: no libplangate.so needed at run time.
    # shellcheck disable=SC2086
    $CC -std=c11 -o "$T/prog-static" "$T/prog.c" $(pkg-config --cflags plangate) "$prefix/lib/libplangate.a" \
        $(pkg-config --static --libs plangate | sed 's/-lplangate//') || fail "static link with --static"
    ! readelf -d "$T/prog-static" | grep -q libplangate || fail "the static one needs no libplangate.so"
    assert_eq "$("$T/prog-static" | head -1)" "plangate $VERSION" "static program"
}

t_only_pg_symbols_are_exported() {
    so="$BUILD/libplangate.so.$VERSION"
    assert_file "$so"
    others=$(nm -D --defined-only "$so" | awk '{print $3}' | grep -v '^pg_' || true)
    assert_eq "$others" "" "symbols of libplangate.so without the pg_ prefix"
    [ "$(nm -D --defined-only "$so" | grep -c ' T pg_check_run$')" = 1 ] || fail "pg_check_run is exported"
    others=$(nm -g --defined-only "$BUILD/libplangate.a" 2>/dev/null | awk 'NF == 3 {print $3}' | grep -v '^pg_' || true)
    assert_eq "$others" "" "global symbols of libplangate.a without the pg_ prefix"
}

t_each_public_header_compiles_alone() {
    for h in "$SRC"/include/plangate/*.h; do
        name=$(basename "$h")
        # shellcheck disable=SC2046
        printf '#include <plangate/%s>\nint pg_header_test_%s;\n' "$name" "$(echo "$name" | tr -c 'a-z0-9\n' _)" |
            $CC -std=c11 -Wall -Wextra -Wpedantic -Wstrict-prototypes -Werror -fsyntax-only \
                -I"$SRC/include" $(pkg-config --cflags jansson) -x c - || fail "$name does not compile on its own"
    done
}
