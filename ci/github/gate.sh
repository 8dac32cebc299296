#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The gate step of action.yml: the inputs (PG_*, one item a line for lists)
# become plangate check's arguments; the exit code is the step's, and an
# output. No config file of the checkout is read unless PG_CONFIG names a
# trusted one (README "Trust model").
set -eu
set -f # list items are paths, never patterns

plangate=${PG_PLANGATE:-plangate}
plan=${PG_PLAN:?the plan input}
nl='
'

trim() { # trim TEXT: without leading and trailing blanks
    printf '%s' "$1" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//'
}

if [ -n "${PG_CONFIG:-}" ]; then
    set -- --config "$PG_CONFIG"
else
    set -- --no-config
fi
IFS=$nl
for item in ${PG_POLICY:-}; do
    item=$(trim "$item")
    if [ -n "$item" ]; then set -- "$@" --policy "$item"; fi
done
for item in ${PG_WAIVERS:-}; do
    item=$(trim "$item")
    if [ -z "$item" ]; then continue; fi
    if [ -e "$item" ]; then
        set -- "$@" --waivers "$item"
    else
        echo "plangate: no waiver file $item (skipped)"
    fi
done
for item in ${PG_REPORTS:-}; do
    item=$(trim "$item")
    if [ -n "$item" ]; then set -- "$@" --report "$item"; fi
done
unset IFS
if [ -n "${PG_FAIL_ON:-}" ]; then set -- "$@" --fail-on "$PG_FAIL_ON"; fi
if [ -n "${PG_FORMAT:-}" ]; then set -- "$@" --format "$PG_FORMAT"; fi
# The title travels as PLANGATE_TITLE: the name of the stack, in every report.
if [ -n "${PG_TITLE:-}" ]; then
    PLANGATE_TITLE=$PG_TITLE
    export PLANGATE_TITLE
fi

# The plan input is one path a line: several plans (a monorepo's stacks) are
# checked in one run, each its own section and SARIF run (README "Many plans").
first=
n_plans=0
IFS=$nl
for item in $plan; do
    item=$(trim "$item")
    if [ -z "$item" ]; then continue; fi
    if [ -z "$first" ]; then first=$item; fi
    n_plans=$((n_plans + 1))
    set -- "$@" "$item"
done
unset IFS
if [ "$n_plans" -eq 0 ]; then
    echo "plangate: the plan input names no file" >&2
    exit 2
fi

if [ -n "${PG_TERRAFORM_PLAN:-}" ]; then
    if [ "$n_plans" -ne 1 ]; then
        echo "plangate: terraform-plan converts one binary plan: give one plan path with it" >&2
        exit 2
    fi
    terraform show -json "$PG_TERRAFORM_PLAN" > "$first"
fi

status=0
"$plangate" check "$@" || status=$?

category=${PG_SARIF_CATEGORY:-plangate/${PG_TITLE:-$first}}
{
    echo "exit-code=$status"
    echo "sarif-category=$category"
} >> "${GITHUB_OUTPUT:-/dev/null}"
exit "$status"
