# SPDX-License-Identifier: Apache-2.0
# group: release
# make release: a static, stripped plangate for Linux x86-64 in
# build/release/ with SHA256SUMS (make test-packaging builds it first).

t_release_binary_is_static_and_gates_the_demo_plan() {
    dir="$BUILD/release"
    bin="$dir/plangate-linux-$(uname -m)"
    assert_file "$bin"
    assert_file "$dir/SHA256SUMS"
    (cd "$dir" && sha256sum -c SHA256SUMS) || fail "SHA256SUMS does not match"
    [ "$(wc -l < "$dir/SHA256SUMS")" = 1 ] || fail "one line: the binary"
    ! readelf -l "$bin" | grep -q INTERP || fail "a dynamic loader is named: not static"
    readelf -d "$bin" 2>&1 | grep -q "no dynamic section" || fail "the release binary has a dynamic section"
    ! readelf -S "$bin" | grep -q '\.debug_info' || fail "not stripped"
    ! grep -q "$SRC" "$bin" || fail "the build folder is written in the binary"
    # Anywhere, with nothing around it: an empty environment, another folder.
    cp "$SRC/testdata/plans/demo/plan.json" "$T/plan.json"
    rc=0
    out=$(cd "$T" && env -i "$bin" check --no-config plan.json) || rc=$?
    assert_eq "$rc" 1 "the demo plan is meant to fail"
    assert_contains "$out" "aws_dynamodb_table.orders" "the report"
    assert_eq "$(env -i "$bin" --version)" "plangate $VERSION" "the version"
    rc=0
    (cd "$T" && env -i "$bin" check --no-config --format sarif plan.json > "$T/out.sarif") || rc=$?
    assert_eq "$rc" 1 "sarif run"
    assert_contains "$(cat "$T/out.sarif")" '"version": "2.1.0"' "SARIF"
}
