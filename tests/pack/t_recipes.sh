# SPDX-License-Identifier: Apache-2.0
# group: test
# The CI recipes, tested (issue 16): the YAML parses (with libyaml:
# tests/pack/yamlsteps.c), and the shell of every step runs against stub
# curl, git, gh and terraform that check their arguments. GitHub's
# expressions are evaluated here as the runner would for the few forms the
# recipes use; an unknown one fails the test.

PG="$BUILD/plangate"
DEMO="$SRC/testdata/plans/demo/plan.json"           # fails at high (exit 1)
MEDIUM="$SRC/testdata/plans/det-provisioned/plan.json" # one medium finding
CLEAN="$SRC/testdata/plans/det-gsi-only/plan.json"    # passes

recipes() {
    echo "$SRC/action.yml $SRC/ci/github/example-workflow.yml $SRC/ci/gitlab/plangate.gitlab-ci.yml"
    echo "$SRC/ci/atlantis/repos.yaml $SRC/.pre-commit-hooks.yaml"
}

t_every_recipe_parses() {
    # shellcheck disable=SC2046
    "$Y" check $(recipes) || fail "a recipe does not parse"
    printf 'a: [1, 2\nb: 3\n' > "$T/broken.yml"
    if out=$("$Y" check "$T/broken.yml" 2>&1); then fail "the checker accepts broken YAML"; fi
    assert_contains "$out" "broken.yml:2:2: " "file:line:col of the problem"
}

t_recipe_scripts_pass_shellcheck() {
    command -v shellcheck >/dev/null || fail "shellcheck is not installed (scripts/deps.sh install test)"
    shellcheck -e SC1091 "$SRC/ci/github/install.sh" "$SRC/ci/github/gate.sh" "$SRC/ci/pre-commit/plangate-hook" \
        "$SRC/tests/pack/run.sh" || fail shellcheck
}

# ---- GitHub: the composite action --------------------------------------------------

# The release a stub curl serves: the plangate just built, with its checksum.
make_release() {
    mkdir -p "$T/release"
    cp "$PG" "$T/release/plangate-linux-x86_64"
    printf 'other\n' > "$T/release/plangate.tar.gz"
    (cd "$T/release" && sha256sum plangate.tar.gz plangate-linux-x86_64 > SHA256SUMS)
}

stub_curl() {
    stub curl <<'SH'
#!/bin/sh
# curl as the recipes call it: records its arguments, serves $T/release for
# the release URL and takes merge-request notes.
echo "curl $*" >> "$T/curl.log"
out= url= fail=0 data= header= post=0
while [ $# -gt 0 ]; do
    case $1 in
    -o) out=$2; shift ;;
    --fail) fail=1 ;;
    --data-urlencode) data=$2; shift ;;
    --header) header=$2; shift ;;
    --request) [ "$2" = POST ] && post=1; shift ;;
    --silent | --show-error | --location) ;;
    --retry) shift ;;
    -*) echo "curl stub: unexpected $1" >&2; exit 2 ;;
    *) url=$1 ;;
    esac
    shift
done
[ "$fail" = 1 ] || { echo "curl stub: without --fail an HTTP error would pass" >&2; exit 2; }
case $url in
https://github.com/acme/plangate/releases/download/v0.1.0/*)
    asset=${url##*/}
    [ -f "$T/release/$asset" ] || exit 22
    cp "$T/release/$asset" "$out" ;;
https://gitlab.example/api/v4/projects/7/merge_requests/12/notes)
    [ "$post" = 1 ] || exit 2
    [ "$header" = "PRIVATE-TOKEN: secret-token" ] || { echo "curl stub: header $header" >&2; exit 2; }
    [ "$data" = "body@plangate.md" ] || { echo "curl stub: data $data" >&2; exit 2; }
    [ -s plangate.md ] || { echo "curl stub: no plangate.md" >&2; exit 2; }
    cp plangate.md "$T/note.md"
    [ -z "${CURL_FAILS:-}" ] || exit 22 ;;
*) echo "curl stub: unexpected URL $url" >&2; exit 2 ;;
esac
SH
}

stub_terraform() {
    stub terraform <<'SH'
#!/bin/sh
echo "terraform $*" >> "$T/terraform.log"
case "$*" in
"init -input=false") ;;
"plan -input=false -out=tfplan") echo binary > tfplan ;;
"show -json tfplan") [ -f tfplan ] || exit 1; cat "$TF_PLAN_JSON" ;;
*) echo "terraform stub: unexpected arguments: $*" >&2; exit 2 ;;
esac
SH
}

# Inputs of the action live in $T/in/NAME (unset ones take their default).
expr_value() {
    case $1 in
    inputs.*)
        name=${1#inputs.}
        y_keys "$SRC/action.yml" inputs | grep -qx -- "$name" || return 1
        if [ -f "$T/in/$name" ]; then cat "$T/in/$name"; else y_get "$SRC/action.yml" "inputs/$name/default" || true; fi ;;
    github.action_ref) printf '%s' "${GH_ACTION_REF-v0.1.0}" ;;
    github.action_repository) printf '%s' acme/plangate ;;
    github.server_url) printf '%s' https://github.com ;;
    github.token) printf '%s' gh-token ;;
    github.event.pull_request.number) printf '%s' 42 ;;
    github.event.pull_request.base.sha) printf '%s' 0123abcd ;;
    steps.*.outputs.*)
        e_id=${1#steps.}; e_id=${e_id%%.*}; e_key=${1##*.outputs.}
        cat "$T/out/$e_id.$e_key" 2>/dev/null || true ;;
    *) return 1 ;;
    esac
}

github_env() {
    mkdir -p "$T/runner" "$T/out" "$T/ws"
    export RUNNER_TEMP="$T/runner" GITHUB_PATH="$T/github_path" GITHUB_STEP_SUMMARY="$T/summary.md"
    export GITHUB_ACTION_PATH="$SRC" GITHUB_WORKSPACE="$T/ws"
}

# Run the action's steps as the runner does: env from expressions, `run`
# with bash -eo pipefail, outputs from $GITHUB_OUTPUT. Returns the first
# failing step's status. With a step id, only the steps up to that one.
run_action() {
    last=${1:-}
    a="$SRC/action.yml"
    a_n=$(y_len "$a" runs/steps)
    a_i=0
    while [ "$a_i" -lt "$a_n" ]; do
        a_s=runs/steps/$a_i
        a_id=$(y_get "$a" "$a_s/id")
        assert_eq "$(y_get "$a" "$a_s/shell")" bash "the shell of step $a_id"
        run=$(y_get "$a" "$a_s/run")
        assert_lacks "$run" '${{' "run: of step $a_id splices an expression into the script"
        : > "$T/step.env"
        for k in $(y_keys "$a" "$a_s/env"); do
            v=$(y_get "$a" "$a_s/env/$k")
            case $v in '${{ '*' }}') ;; *) fail "env $k of step $a_id is not one expression: $v" ;; esac
            printf 'export %s=%s\n' "$k" "$(shquote "$(expand "$v")")" >> "$T/step.env"
        done
        : > "$T/out/$a_id.github_output"
        rc=0
        (cd "$GITHUB_WORKSPACE" && . "$T/step.env" && GITHUB_OUTPUT="$T/out/$a_id.github_output" \
            bash --noprofile --norc -eo pipefail -c "$run") || rc=$?
        while IFS='=' read -r k v; do printf '%s' "$v" > "$T/out/$a_id.$k"; done < "$T/out/$a_id.github_output"
        [ "$rc" = 0 ] || return "$rc"
        [ "$a_id" != "$last" ] || return 0
        a_i=$((a_i + 1))
    done
}

# The action's outputs, as a workflow step `uses:` it sees them.
action_outputs() { # action_outputs STEP_ID
    for k in $(y_keys "$SRC/action.yml" outputs); do
        expand "$(y_get "$SRC/action.yml" "outputs/$k/value")" > "$T/out/$1.$k"
    done
}

t_action_inputs_are_documented_and_used() {
    a="$SRC/action.yml"
    for k in $(y_keys "$a" inputs); do
        y_get "$a" "inputs/$k/description" > /dev/null || fail "input $k has no description"
        grep -q "inputs\.$k }}" "$a" || fail "input $k is never used"
    done
    for want in plan policy waivers fail-on title reports sarif-category; do
        y_keys "$a" inputs | grep -qx "$want" || fail "no input $want"
    done
    assert_eq "$(y_get "$a" runs/using)" composite "a composite action"
}

t_action_installs_the_release_binary_and_checks_it() {
    make_release
    stub_curl
    github_env
    run_action install > "$T/log" 2>&1 || { cat "$T/log"; fail "the install step"; }
    installed=$(cat "$T/out/install.path")
    assert_eq "$installed" "$T/runner/plangate/plangate" "the binary's path (output plangate)"
    assert_eq "$("$installed" --version)" "plangate $VERSION" "the installed binary runs"
    assert_contains "$(cat "$T/github_path")" "$T/runner/plangate" "on GITHUB_PATH"
    assert_contains "$(cat "$T/curl.log")" \
        "-o $T/runner/plangate/plangate-linux-x86_64 https://github.com/acme/plangate/releases/download/v0.1.0/plangate-linux-x86_64" \
        "the asset of the action's own tag"
    # A binary that is not the one SHA256SUMS names is refused.
    rm -rf "$T/runner" "$T/out"
    github_env
    printf 'tampered' >> "$T/release/plangate-linux-x86_64"
    if run_action install > "$T/log" 2>&1; then fail "a tampered binary installs"; fi
    assert_contains "$(cat "$T/log")" "FAILED" "sha256sum says so"
    [ ! -e "$T/runner/plangate/plangate" ] || fail "nothing is installed"
}

t_action_builds_from_its_sources_off_a_release_tag() {
    stub_curl
    stub sudo <<'SH'
#!/bin/sh
echo "sudo $*" >> "$T/sudo.log"
exec "$@"
SH
    github_env
    GH_ACTION_REF=main
    export GH_ACTION_REF
    run_action install > "$T/log" 2>&1 || { cat "$T/log"; fail "the build"; }
    [ ! -f "$T/curl.log" ] || fail "a branch ref downloads nothing"
    assert_eq "$("$(cat "$T/out/install.path")" --version)" "plangate $VERSION" "the built binary"
    mkdir -p "$T/in" && printf 'sideways' > "$T/in/install"
    rm -rf "$T/out" && github_env
    if run_action install > "$T/log" 2>&1; then fail "an unknown install mode"; fi
    assert_contains "$(cat "$T/log")" "install must be auto, release or build" "the message"
}

t_action_gates_with_trusted_policies_and_the_change_s_waivers() {
    make_release
    stub_curl
    stub_terraform
    github_env
    mkdir -p "$T/ws/.base/policies"
    printf 'version: 1\n' > "$T/ws/.base/policies/team.yaml"
    printf 'version: 1\nwaivers: []\n' > "$T/ws/plangate-waivers.yaml"
    # The change's own .plangate.yaml is not read (it would be exit 2).
    printf 'fail_on: critical\n' > "$T/ws/.plangate.yaml"
    echo binary > "$T/ws/tfplan"
    mkdir -p "$T/in"
    printf 'plan.json' > "$T/in/plan"
    printf 'tfplan' > "$T/in/terraform-plan"
    printf '.base/policies\n' > "$T/in/policy"
    printf 'plangate-waivers.yaml\nmissing-waivers.yaml\n' > "$T/in/waivers"
    printf 'sarif=plangate.sarif\nmarkdown=plangate.md\n' > "$T/in/reports"
    printf 'production' > "$T/in/title"
    TF_PLAN_JSON=$DEMO
    export TF_PLAN_JSON
    rc=0
    run_action > "$T/log" 2>&1 || rc=$?
    assert_eq "$rc" 1 "the step fails with the gate: $(cat "$T/log")"
    assert_eq "$(cat "$T/out/gate.exit-code")" 1 "output exit-code"
    assert_eq "$(cat "$T/out/gate.sarif-category")" plangate/production "output sarif-category"
    assert_contains "$(cat "$T/terraform.log")" "show -json tfplan" "terraform show of the binary plan"
    assert_file "$T/ws/plangate.sarif"
    assert_file "$T/ws/plangate.md"
    assert_contains "$(cat "$T/log")" "::error" "annotations (format github)"
    assert_contains "$(cat "$T/log")" "no waiver file missing-waivers.yaml (skipped)" "a missing waiver file"
    [ -s "$T/summary.md" ] || fail "the job summary"
    # The exact command line, through a stub plangate.
    stub plangate-args <<'SH'
#!/bin/sh
printf '%s\n' "$@" > "$T/argv"
echo "PLANGATE_TITLE=${PLANGATE_TITLE-}" > "$T/env"
exit 0
SH
    printf '%s' "$STUBS/plangate-args" > "$T/out/install.path"
    rm -f "$T/in/terraform-plan"
    # only the gate step: skip install by running with its output in place
    (cd "$T/ws" && PG_PLANGATE="$STUBS/plangate-args" PG_PLAN=plan.json PG_POLICY=".base/policies" \
        PG_WAIVERS="plangate-waivers.yaml" PG_REPORTS="$(cat "$T/in/reports")" PG_FAIL_ON=medium PG_TITLE=production \
        PG_FORMAT=github GITHUB_OUTPUT="$T/o" sh "$SRC/ci/github/gate.sh") || fail "the gate step"
    assert_eq "$(tr '\n' ' ' < "$T/argv")" "check --no-config --policy .base/policies --waivers plangate-waivers.yaml --report sarif=plangate.sarif --report markdown=plangate.md --fail-on medium --format github plan.json " "plangate's arguments"
    assert_eq "$(cat "$T/env")" "PLANGATE_TITLE=production" "the title"
    (cd "$T/ws" && PG_PLANGATE="$STUBS/plangate-args" PG_PLAN=plan.json PG_CONFIG=.base/gate.yaml \
        GITHUB_OUTPUT="$T/o" sh "$SRC/ci/github/gate.sh") || fail "the gate step"
    assert_eq "$(tr '\n' ' ' < "$T/argv")" "check --config .base/gate.yaml plan.json " "a trusted config file"
    # Several plans, one a line: one run; terraform-plan with them is refused.
    (cd "$T/ws" && PG_PLANGATE="$STUBS/plangate-args" PG_PLAN="$(printf 'stacks/a/plan.json\n  \nstacks/b c/plan.json\n')" \
        GITHUB_OUTPUT="$T/o2" sh "$SRC/ci/github/gate.sh") || fail "the gate step with two plans"
    assert_eq "$(tr '\n' '|' < "$T/argv")" "check|--no-config|stacks/a/plan.json|stacks/b c/plan.json|" "two plans in one run"
    assert_contains "$(cat "$T/o2")" "sarif-category=plangate/stacks/a/plan.json" "the category of the first plan"
    rc=0
    (cd "$T/ws" && PG_PLANGATE="$STUBS/plangate-args" PG_PLAN="$(printf 'a.json\nb.json\n')" PG_TERRAFORM_PLAN=tfplan \
        sh "$SRC/ci/github/gate.sh") > "$T/log2" 2>&1 || rc=$?
    assert_eq "$rc" 2 "terraform-plan with two plans: $(cat "$T/log2")"
}

t_example_workflow_runs_with_the_action() {
    w="$SRC/ci/github/example-workflow.yml"
    make_release
    stub_curl
    stub_terraform
    stub gh <<'SH'
#!/bin/sh
echo "gh $* token=$GH_TOKEN" >> "$T/gh.log"
case "$*" in
"pr comment 42 --edit-last --body-file plangate.md") exit 1 ;; # the first push: no comment to edit yet
"pr comment 42 --body-file plangate.md") ;;
*) echo "gh stub: $*" >&2; exit 2 ;;
esac
[ -s plangate.md ] || exit 2
SH
    github_env
    mkdir -p "$T/ws/.base/policies"
    printf 'version: 1\n' > "$T/ws/.base/policies/team.yaml"
    TF_PLAN_JSON=$DEMO
    export TF_PLAN_JSON
    failed=0
    n=$(y_len "$w" jobs/plan/steps)
    i=0
    while [ "$i" -lt "$n" ]; do
        s=jobs/plan/steps/$i
        i=$((i + 1))
        cond=$(y_get "$w" "$s/if" || true)
        if [ "$failed" = 1 ]; then
            case $cond in *'always()'*) ;; *) echo "skipped after a failure: $s"; continue ;; esac
        fi
        file=$(printf '%s' "$cond" | sed -n "s/.*hashFiles('\([^']*\)').*/\1/p")
        if [ -n "$file" ] && [ ! -f "$T/ws/$file" ]; then continue; fi
        if uses=$(y_get "$w" "$s/uses"); then
            case $uses in
            OWNER/plangate@*)
                rm -rf "$T/in" && mkdir -p "$T/in"
                for k in $(y_keys "$w" "$s/with"); do expand "$(y_get "$w" "$s/with/$k")" > "$T/in/$k"; done
                rc=0
                run_action || rc=$?
                action_outputs "$(y_get "$w" "$s/id")"
                [ "$rc" = 0 ] || failed=1 ;;
            *) echo "not run here: $uses" ;;
            esac
            continue
        fi
        run=$(y_get "$w" "$s/run")
        : > "$T/step.env"
        for k in $(y_keys "$w" "$s/env" 2>/dev/null); do
            printf 'export %s=%s\n' "$k" "$(shquote "$(expand "$(y_get "$w" "$s/env/$k")")")" >> "$T/step.env"
        done
        (cd "$T/ws" && . "$T/step.env" && bash --noprofile --norc -eo pipefail -c "$run") || failed=1
    done > "$T/log" 2>&1
    assert_eq "$failed" 1 "the demo plan fails the job: $(cat "$T/log")"
    assert_eq "$(cat "$T/terraform.log")" "terraform init -input=false
terraform plan -input=false -out=tfplan
terraform show -json tfplan" "terraform's steps"
    assert_eq "$(cat "$T/gh.log")" "gh pr comment 42 --edit-last --body-file plangate.md token=gh-token
gh pr comment 42 --body-file plangate.md token=gh-token" "the comment (edited, else added), after the failure"
    assert_eq "$(cat "$T/out/plangate.sarif-category")" plangate/production "the category upload-sarif gets"
    assert_file "$T/ws/plangate.sarif"
}

# ---- GitLab CI ---------------------------------------------------------------------

stub_git() {
    stub git <<'SH'
#!/bin/sh
# The target branch's tree is $T/target.
echo "git $*" >> "$T/git.log"
case $1 in
fetch) [ "$*" = "fetch --quiet --depth=1 origin main" ] || exit 2 ;;
cat-file) [ "$2" = -e ] || exit 2; p=${3#FETCH_HEAD:}; [ -e "$T/target/$p" ] ;;
archive) [ "$2" = FETCH_HEAD ] && [ "$3" = -- ] || exit 2; shift 3; cd "$T/target" && tar -cf - "$@" ;;
*) exit 2 ;;
esac
SH
}

# The hidden job's before_script and script, in one shell as GitLab runs
# them, with the template's variables and the merge request's CI_* ones.
run_gitlab() {
    g="$SRC/ci/gitlab/plangate.gitlab-ci.yml"
    {
        echo 'set -e'
        for k in $(y_keys "$g" .plangate/variables); do
            printf 'export %s=%s\n' "$k" "$(shquote "$(y_get "$g" ".plangate/variables/$k")")"
        done
        echo 'export CI_PIPELINE_SOURCE=merge_request_event CI_MERGE_REQUEST_TARGET_BRANCH_NAME=main'
        echo 'export CI_DEFAULT_BRANCH=main CI_API_V4_URL=https://gitlab.example/api/v4 CI_PROJECT_ID=7'
        echo 'export CI_MERGE_REQUEST_IID=12'
        echo 'export PLANGATE_CI_RELEASES=https://github.com/acme/plangate/releases/download'
        echo "${GITLAB_EXTRA:-}"
        for part in before_script script; do
            n=$(y_len "$g" ".plangate/$part")
            j=0
            while [ "$j" -lt "$n" ]; do
                y_get "$g" ".plangate/$part/$j"
                echo
                j=$((j + 1))
            done
        done
    } > "$T/job.sh"
    (cd "$T/mr" && PATH="$STUBS:/usr/bin:/bin" sh "$T/job.sh")
}

gitlab_tree() {
    make_release
    stub_curl
    stub_git
    stub_terraform
    mkdir -p "$T/target/policies" "$T/mr/policies"
    printf 'version: 1\n' > "$T/target/policies/team.yaml"
    printf 'fail_on: medium\n' > "$T/target/.plangate.yaml"
    # The merge request's own copies say otherwise and must not count.
    printf 'fail_on: critical\n' > "$T/mr/.plangate.yaml"
    printf 'nonsense: [\n' > "$T/mr/policies/team.yaml"
    printf 'version: 1\nwaivers: []\n' > "$T/mr/plangate-waivers.yaml"
    cp "$MEDIUM" "$T/mr/plan.json"
}

t_gitlab_template_gates_with_the_target_branch_and_posts_a_note() {
    gitlab_tree
    GITLAB_EXTRA='export PLANGATE_NOTE_TOKEN=secret-token'
    rc=0
    run_gitlab > "$T/log" 2>&1 || rc=$?
    assert_eq "$rc" 1 "the target branch's fail_on: medium fails the medium finding: $(cat "$T/log")"
    assert_contains "$(cat "$T/curl.log")" "releases/download/v0.1.0/plangate-linux-x86_64" "the release binary"
    assert_contains "$(cat "$T/git.log")" "git archive FETCH_HEAD -- .plangate.yaml" "the trusted config"
    assert_file "$T/mr/plangate.xml"
    assert_file "$T/mr/plangate.json"
    assert_contains "$(cat "$T/mr/plangate.json")" '"config": ".plangate-base/.plangate.yaml"' "the report names it"
    assert_file "$T/note.md"
    cmp -s "$T/note.md" "$T/mr/plangate.md" || fail "the note is the Markdown report"
    assert_contains "$(cat "$T/curl.log")" "--request POST --header PRIVATE-TOKEN: secret-token --data-urlencode body@plangate.md https://gitlab.example/api/v4/projects/7/merge_requests/12/notes" "the note's request"
}

t_gitlab_note_failure_keeps_the_verdict() {
    gitlab_tree
    cp "$CLEAN" "$T/mr/plan.json"
    GITLAB_EXTRA='export PLANGATE_NOTE_TOKEN=secret-token CURL_FAILS=1'
    rc=0
    run_gitlab > "$T/log" 2>&1 || rc=$?
    assert_eq "$rc" 0 "a passing plan passes although the note failed: $(cat "$T/log")"
    assert_contains "$(cat "$T/log")" "could not post the merge request note" "said"
    # Without a token no note is attempted.
    rm -f "$T/curl.log" "$T/note.md"
    GITLAB_EXTRA=
    run_gitlab > "$T/log" 2>&1 || fail "$(cat "$T/log")"
    assert_lacks "$(cat "$T/curl.log")" "notes" "no token, no note"
}

t_gitlab_template_uses_the_change_s_waivers() {
    gitlab_tree
    printf 'version: 1\nrules: []\n' > "$T/mr/plangate-waivers.yaml"
    rc=0
    run_gitlab > "$T/log" 2>&1 || rc=$?
    assert_eq "$rc" 4 "a waivers file may hold only waivers: $(cat "$T/log")"
    assert_contains "$(cat "$T/log")" "plangate-waivers.yaml" "named"
    # And a binary plan goes through terraform show.
    printf 'version: 1\nwaivers: []\n' > "$T/mr/plangate-waivers.yaml"
    rm "$T/mr/plan.json"
    echo binary > "$T/mr/tfplan"
    TF_PLAN_JSON=$CLEAN
    export TF_PLAN_JSON
    GITLAB_EXTRA='export PLANGATE_CI_TFPLAN=tfplan'
    run_gitlab > "$T/log" 2>&1 || fail "$(cat "$T/log")"
    assert_contains "$(cat "$T/terraform.log")" "show -json tfplan" "terraform show"
}

# ---- Atlantis ----------------------------------------------------------------------

t_atlantis_policy_check_stage() {
    r="$SRC/ci/atlantis/repos.yaml"
    assert_eq "$(y_get "$r" repos/0/policy_check)" true "policy checks on"
    assert_eq "$(y_get "$r" repos/0/custom_policy_check)" true "a custom policy tool"
    assert_eq "$(y_get "$r" repos/0/allow_custom_workflows)" false "repositories cannot swap the workflow"
    assert_eq "$(y_len "$r" repos/0/allowed_overrides)" 0 "nor override it"
    assert_eq "$(y_get "$r" workflows/plangate/policy_check/steps/0)" show "Atlantis writes \$SHOWFILE first"
    run=$(y_get "$r" workflows/plangate/policy_check/steps/1/run)
    mkdir -p "$T/server/policies" "$T/project"
    printf 'version: 1\n' > "$T/server/policies/team.yaml"
    printf 'version: 1\nwaivers: []\n' > "$T/project/plangate-waivers.yaml"
    printf 'fail_on: critical\n' > "$T/project/.plangate.yaml"
    for case in "$CLEAN 0" "$DEMO 1"; do
        plan=${case% *}
        want=${case#* }
        cp "$plan" "$T/project/show.json"
        rc=0
        out=$(cd "$T/project" && PATH="$BUILD:$PATH" SHOWFILE="$T/project/show.json" PLANFILE="$T/project/p.tfplan" \
            DIR="$T/project" PLANGATE_POLICY_DIR="$T/server/policies" sh -c "$run" 2>&1) || rc=$?
        assert_eq "$rc" "$want" "exit of $plan: $out"
        if [ "$want" = 0 ]; then
            assert_lacks "$(printf '%s' "$out" | tr 'A-Z' 'a-z')" "fail" "a pass says no 'fail' (Atlantis reads it)"
        else
            assert_contains "$out" "plangate: the policy check failed (exit 1)" "a failure says 'fail'"
        fi
    done
}

# ---- pre-commit --------------------------------------------------------------------

t_pre_commit_hooks_lint_and_test() {
    h="$SRC/.pre-commit-hooks.yaml"
    assert_eq "$(y_len "$h" .)" 2 "two hooks"
    assert_eq "$(y_get "$h" 0/id)" plangate-lint "the lint hook"
    assert_eq "$(y_get "$h" 1/id)" plangate-test "the test hook"
    for i in 0 1; do
        assert_eq "$(y_get "$h" "$i/language")" script "language: script (an entry of this repository)"
        entry=$(y_get "$h" "$i/entry")
        [ -x "$SRC/${entry%% *}" ] || fail "entry $entry is not an executable of the repository"
        re=$(y_get "$h" "$i/files")
        for f in policies/a.yaml infra/policies/b.yml; do echo "$f" | grep -Eq "$re" || fail "$re misses $f"; done
        for f in src/x.yaml policies/notes.md; do ! echo "$f" | grep -Eq "$re" || fail "$re takes $f"; done
    done
    mkdir -p policies
    printf 'version: 1\nrules: 7\n' > policies/bad.yaml
    lint=$(y_get "$h" 0/entry)
    test_=$(y_get "$h" 1/entry)
    # pre-commit runs the entry with the files, in the user's repository.
    PATH="$BUILD:$PATH" "$SRC/${lint%% *}" ${lint#* } "$SRC/policies/dynamodb.yaml" || fail "lint of a good file"
    rc=0
    out=$(PATH="$BUILD:$PATH" "$SRC/${lint%% *}" ${lint#* } policies/bad.yaml 2>&1) || rc=$?
    assert_eq "$rc" 4 "lint of a bad file: $out"
    assert_contains "$out" "policies/bad.yaml:2:" "file:line:col"
    PATH="$BUILD:$PATH" "$SRC/${test_%% *}" ${test_#* } "$SRC/policies/dynamodb.yaml" > "$T/log" 2>&1 ||
        fail "plangate test of the default pack's file: $(cat "$T/log")"
}

# ---- the docs show what is tested --------------------------------------------------

# The lines of FILE after its leading comment block.
body_of() {
    awk 'started || !/^#/ { started = 1; print }' "$1"
}

t_docs_show_the_tested_recipes() {
    docs=$(cat "$SRC/docs/ci.md")
    for f in ci/github/example-workflow.yml ci/atlantis/repos.yaml ci/gitlab/plangate.gitlab-ci.yml; do
        body=$(body_of "$SRC/$f")
        assert_contains "$docs" "$body" "docs/ci.md shows $f as it is tested"
    done
    assert_contains "$docs" "ci/gitlab/plangate.gitlab-ci.yml" "docs/ci.md names the GitLab template"
    assert_contains "$docs" ".pre-commit-hooks.yaml" "and the pre-commit hooks"
}
