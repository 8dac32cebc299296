# SPDX-License-Identifier: Apache-2.0
# bash completion for plangate (installed as
# $(datadir)/bash-completion/completions/plangate). The options are those of
# `plangate COMMAND --help`; tests/pack/t_completions.sh checks they agree.

_plangate()
{
    local cur prev words cword cmd i
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    cmd=
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        check|lint|test|explain|version|help) cmd=${COMP_WORDS[i]}; break ;;
        esac
    done

    if [[ -z $cmd ]]; then
        COMPREPLY=($(compgen -W 'check lint test explain version help --help --version -V' -- "$cur"))
        return
    fi

    case $cmd in
    check)
        case $prev in
        -f|--format)
            COMPREPLY=($(compgen -W 'text json sarif junit github markdown' -- "$cur")); return ;;
        --fail-on)
            COMPREPLY=($(compgen -W 'critical high medium low info none' -- "$cur")); return ;;
        --color)
            COMPREPLY=($(compgen -W 'auto always never' -- "$cur")); return ;;
        -p|--policy)
            COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --waivers|--backend|-c|--config)
            COMPREPLY=($(compgen -f -- "$cur")); return ;;
        -o|--report)
            if [[ $cur == *=* ]]; then
                COMPREPLY=($(compgen -f -P "${cur%%=*}=" -- "${cur#*=}"))
            else
                COMPREPLY=($(compgen -S = -W 'text json sarif junit github markdown' -- "$cur"))
                compopt -o nospace 2>/dev/null
            fi
            return ;;
        --max-depth|--max-element-bytes|--title|--env|--jobs)
            return ;;
        esac
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W '-p --policy --waivers --no-default-policies -f --format -o --report
                --fail-on --backend --color -q --quiet --max-depth --max-element-bytes -c --config
                --no-config --title --jobs --env -h --help' -- "$cur"))
        else
            COMPREPLY=($(compgen -f -X '!*.json' -- "$cur") $(compgen -d -- "$cur"))
        fi
        ;;
    lint|test)
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W '-h --help' -- "$cur"))
        else
            COMPREPLY=($(compgen -f -- "$cur"))
        fi
        ;;
    explain)
        case $prev in
        --policy) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        esac
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W '--policy --no-default-policies -h --help' -- "$cur"))
        else
            # The rule ids, as `plangate explain` without one lists them.
            COMPREPLY=($(compgen -W "$(plangate explain 2>&1 | sed -n 's/^  \([a-z0-9][a-z0-9_-]*\)$/\1/p')" -- "$cur"))
        fi
        ;;
    version)
        COMPREPLY=($(compgen -W '-h --help' -- "$cur"))
        ;;
    esac
}
complete -F _plangate plangate
