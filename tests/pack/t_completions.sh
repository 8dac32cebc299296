# SPDX-License-Identifier: Apache-2.0
# group: test
# The bash completion (completions/plangate.bash) completes what the CLI
# takes, and knows every option `plangate COMMAND --help` lists.

PG="$BUILD/plangate"

# Every long and short option of `plangate CMD --help`.
help_options() {
    "$PG" "$1" --help | sed -n 's/^  \(-[a-zA-Z], \)\{0,1\} *\(--[a-z-]*\).*/\1 \2/p' | tr -d ',' | tr ' ' '\n' | sed '/^$/d'
}

# complete WORDS...: what bash offers for the last word.
complete_words() {
    PATH="$(dirname "$PG"):$PATH" bash -c '
        . "$1"; shift
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
        _plangate
        printf "%s\n" "${COMPREPLY[@]}"' complete "$SRC/completions/plangate.bash" "$@"
}

t_bash_completion_knows_every_option() {
    for cmd in check lint test explain version; do
        for opt in $(help_options "$cmd"); do
            got=$(complete_words plangate "$cmd" "$opt")
            printf '%s\n' "$got" | grep -qx -- "$opt" || fail "plangate $cmd $opt is not completed (got: $got)"
        done
    done
}

t_bash_completion_completes_values() {
    got=$(complete_words plangate ch)
    assert_eq "$got" "check" "commands"
    got=$(complete_words plangate check --format j)
    assert_eq "$got" "json
junit" "formats"
    got=$(complete_words plangate check -f s)
    assert_eq "$got" "sarif" "-f is --format"
    got=$(complete_words plangate check --fail-on cr)
    assert_eq "$got" "critical" "severities"
    got=$(complete_words plangate check --color n)
    assert_eq "$got" "never" "colour"
    got=$(complete_words plangate check -o sa)
    assert_eq "$got" "sarif=" "a report's format first"
    mkdir -p "$T/w" && : > "$T/w/plan.json" && : > "$T/w/notes.txt"
    got=$(cd "$T/w" && complete_words plangate check p)
    assert_eq "$got" "plan.json" "plans are JSON files"
    got=$(cd "$T/w" && complete_words plangate check -o json=p)
    assert_eq "$got" "json=plan.json" "then the path"
    got=$(complete_words plangate explain dynamodb-key-r)
    assert_eq "$got" "dynamodb-key-replacement" "rule ids from plangate explain"
}

t_zsh_completion_lists_every_option() {
    # zsh itself runs it in the zsh group; here, the text knows each option.
    for cmd in check lint test explain version; do
        for opt in $(help_options "$cmd"); do
            grep -q -- "$opt" "$SRC/completions/_plangate" || fail "_plangate lacks plangate $cmd $opt"
        done
    done
}
