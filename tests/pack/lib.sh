# SPDX-License-Identifier: Apache-2.0
# Helpers of the shell tests (tests/pack/run.sh sources this in each test).

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

assert_eq() { # assert_eq GOT WANT WHAT
    [ "$1" = "$2" ] || fail "$3: got [$1], want [$2]"
}

assert_contains() { # assert_contains TEXT NEEDLE WHAT
    case $1 in *"$2"*) ;; *) fail "$3: [$2] not in: $1" ;; esac
}

assert_lacks() { # assert_lacks TEXT NEEDLE WHAT
    case $1 in *"$2"*) fail "$3: [$2] in: $1" ;; *) ;; esac
}

assert_file() {
    [ -f "$1" ] || fail "no file $1"
}

# stub NAME <<'EOF' ... : an executable NAME first on PATH.
stub() {
    cat > "$STUBS/$1"
    chmod 0755 "$STUBS/$1"
}

# The YAML test tool (tests/pack/yamlsteps.c).
Y="$BUILD/tools/yamlsteps"
y_get() { "$Y" get "$1" "$2"; }
y_len() { "$Y" len "$1" "$2"; }
y_keys() { "$Y" keys "$1" "$2"; }

# expand TEXT: every ${{ EXPR }} replaced by `expr_value EXPR`, which the
# test defines (a missing value fails the test: the recipe uses an
# expression the test does not know).
expand() {
    rest=$1
    out=
    while :; do
        case $rest in
        *'${{'*'}}'*) ;;
        *) break ;;
        esac
        out="$out${rest%%'${{'*}"
        rest=${rest#*'${{'}
        expr=${rest%%'}}'*}
        rest=${rest#*'}}'}
        expr=$(printf '%s' "$expr" | sed -e 's/^ *//' -e 's/ *$//')
        value=$(expr_value "$expr") || fail "unknown expression \${{ $expr }}"
        out="$out$value"
    done
    printf '%s' "$out$rest"
}

# Single-quoted for sh.
shquote() {
    printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}
