# SPDX-License-Identifier: Apache-2.0
# group: deb
# debian/: dpkg-buildpackage -us -uc -b (through make deb) builds plangate,
# libplangate0 and libplangate-dev with the tests run; lintian reports no
# error; with DEB_BUILD_OPTIONS=nocheck (and the nocheck profile) it builds
# without Criterion.

debs_have() { # debs_have DEB PATH...
    deb=$1
    shift
    list=$(dpkg-deb -c "$deb" | awk '{print $6}')
    for want in "$@"; do
        printf '%s\n' "$list" | grep -q -- "$want" || fail "$(basename "$deb") lacks $want"
    done
}

t_packages_build_with_the_tests_and_pass_lintian() {
    $MAKE -C "$SRC" BUILD="$T/b" deb > "$T/build.log" 2>&1 || { tail -n 60 "$T/build.log"; fail "make deb"; }
    grep -q "Synthesis: Tested: .* Failing: 0 | Crashing: 0" "$T/build.log" || fail "the package build ran no unit tests"
    grep -q "^pack: [1-9][0-9]* passed, 0 failed" "$T/build.log" || fail "nor the pack tests"
    d="$T/b/deb"
    a=$(dpkg --print-architecture)
    m=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
    debs_have "$d/plangate_${VERSION}_$a.deb" ./usr/bin/plangate ./usr/share/man/man1/plangate.1.gz \
        ./usr/share/bash-completion/completions/plangate ./usr/share/zsh/vendor-completions/_plangate \
        ./usr/share/plangate/policies/protect.yaml ./usr/share/doc/plangate/copyright
    debs_have "$d/libplangate0_${VERSION}_$a.deb" "./usr/lib/$m/libplangate.so.0" "./usr/lib/$m/libplangate.so.$VERSION"
    debs_have "$d/libplangate-dev_${VERSION}_$a.deb" ./usr/include/plangate/plangate.h "./usr/lib/$m/libplangate.a" \
        "./usr/lib/$m/libplangate.so" "./usr/lib/$m/pkgconfig/plangate.pc"
    out=$(lintian --fail-on error "$d"/plangate_*.changes 2>&1) ||
        fail "lintian: $out"
    ! printf '%s\n' "$out" | grep -q '^E: ' || fail "lintian errors: $out"
    echo "$out"
    # The packaged binary works.
    dpkg-deb -x "$d/plangate_${VERSION}_$a.deb" "$T/root"
    rc=0
    "$T/root/usr/bin/plangate" check --no-config "$SRC/testdata/plans/demo/plan.json" > /dev/null || rc=$?
    assert_eq "$rc" 1 "the packaged plangate on the demo plan"
}

t_nocheck_needs_no_criterion() {
    # What the nocheck profile leaves of Build-Depends.
    deps=$(perl -MDpkg::Control::Info -MDpkg::Deps -e '
        my $c = Dpkg::Control::Info->new("$ARGV[0]/debian/control")->get_source();
        print deps_parse($c->{"Build-Depends"}, build_dep => 1, reduce_profiles => 1,
                         build_profiles => ["nocheck"])->output(), "\n";' "$SRC") || fail "Dpkg::Deps"
    assert_lacks "$deps" "libcriterion-dev" "the nocheck profile drops Criterion"
    assert_contains "$deps" "libjansson-dev" "and keeps the libraries"
    full=$(perl -MDpkg::Control::Info -MDpkg::Deps -e '
        my $c = Dpkg::Control::Info->new("$ARGV[0]/debian/control")->get_source();
        print deps_parse($c->{"Build-Depends"}, build_dep => 1, reduce_profiles => 1)->output(), "\n";' "$SRC")
    assert_contains "$full" "libcriterion-dev" "a normal build needs Criterion"
    # Criterion hidden from pkg-config and the compiler: the build must not
    # look for it.
    mkdir -p "$T/pc"
    for pc in jansson yaml-0.1; do
        ln -s "$(pkg-config --variable=pcfiledir "$pc")/$pc.pc" "$T/pc/$pc.pc"
    done
    DEB_BUILD_OPTIONS=nocheck PKG_CONFIG_LIBDIR="$T/pc" $MAKE -C "$SRC" BUILD="$T/b" deb \
        > "$T/build.log" 2>&1 || { tail -n 40 "$T/build.log"; fail "the nocheck build"; }
    ! grep -q "Synthesis: Tested" "$T/build.log" || fail "nocheck ran the tests"
    ! grep -q "criterion" "$T/build.log" || fail "the nocheck build touched Criterion"
    ls "$T"/b/deb/plangate_"$VERSION"_*.deb > /dev/null || fail "no package"
}
