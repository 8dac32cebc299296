#!/bin/sh
# fixed_cost.sh — the fixed cost of a plangate run (issue 17), as ratios to a
# bare process start (/bin/true), side by side in one loop:
#
#   /bin/true                       N processes
#   plangate version                N processes (start-up, dynamic linking)
#   plangate check, one 4 KB plan   N processes (+ default pack, plan, report)
#   500 runs of one small plan each 500 processes, one generated plan each
#   one run of 500 small plans      one process (only when the CLI takes
#                                   several plans: tried first, else skipped)
#
# Every round measures every line once (interleaved: a noisy neighbour slows
# all of them alike; each round starts one line further, so no line always
# follows the same one), each line's time is divided by the same round's
# /bin/true, and the figure is the median of those ratios over the rounds.
# Only ratios are printed: on a shared VM a lone absolute time means little.
# CPU time (user + system of the children) and wall time are both shown; on
# a loaded VM either can drift (a descheduled vCPU may count as CPU time).
#
#   make bench-fixed                          # 7 rounds, N = 200
#   FIXED_ROUNDS=11 FIXED_N=300 sh bench/fixed_cost.sh
#   BENCH_BEFORE=/tmp/old/plangate sh bench/fixed_cost.sh   # a second binary
#                  (the commit before a change) in the same rounds
set -eu
cd "$(dirname "$0")/.."
SHARED=${SHARED:-../shared}
CACHE=${BENCH_CACHE:-bench/cache}
ROUNDS=${FIXED_ROUNDS:-7}
N=${FIXED_N:-200}
SMALL_N=${FIXED_SMALL:-500}
PLANGATE=${PLANGATE:-build/plangate}
BEFORE=${BENCH_BEFORE:-}
PLAN4K=${FIXED_PLAN:-testdata/plans/env-other-providers/plan.json}

[ -x "$PLANGATE" ] || { echo "fixed_cost: build $PLANGATE first (make)"; exit 1; }
[ -z "$BEFORE" ] || [ -x "$BEFORE" ] || { echo "fixed_cost: $BEFORE is not executable"; exit 1; }
mkdir -p "$CACHE"
cc -O2 -o "$CACHE/runloop" bench/runloop.c

# The small plans: genplan.py --resources 1 --seed 1..SMALL_N (about 6.6 KB
# each), written once into the cache by one Python process (genplan's own
# command line, in-process: 500 interpreter starts would take minutes here).
# Without ../shared/bench, copies of the 4 KB plan stand in.
SMALL_DIR="$CACHE/small-$SMALL_N"
if [ ! -f "$SMALL_DIR/list" ]; then
    rm -rf "$SMALL_DIR" && mkdir -p "$SMALL_DIR"
    if [ -f "$SHARED/bench/genplan.py" ]; then
        python3 - "$SHARED/bench/genplan.py" "$SMALL_DIR" "$SMALL_N" <<'EOF'
import importlib.util, io, sys
path, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
spec = importlib.util.spec_from_file_location("genplan", path)
gen = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen)
real = sys.stdout
for i in range(1, n + 1):
    sys.argv = ["genplan.py", "--resources", "1", "--seed", str(i), "--modules", "1"]
    sys.stdout = io.StringIO()
    gen.main()
    text, sys.stdout = sys.stdout.getvalue(), real
    with open(f"{out}/plan-{i:04d}.json", "w") as f:
        f.write(text)
EOF
    else
        i=1
        while [ $i -le "$SMALL_N" ]; do cp "$PLAN4K" "$SMALL_DIR/plan-$(printf %04d $i).json"; i=$((i + 1)); done
    fi
    ls "$SMALL_DIR"/plan-*.json > "$SMALL_DIR/list.tmp" && mv "$SMALL_DIR/list.tmp" "$SMALL_DIR/list"
fi
SMALL_BYTES=$(head -n 1 "$SMALL_DIR/list" | xargs wc -c | awk '{print $1}')

# Does this plangate take several plans in one run? (Two plans: exit 0 or 1.)
takes_many() {
    "$1" check --no-config "$PLAN4K" "$PLAN4K" >/dev/null 2>&1 && return 0
    [ $? -le 1 ]
}
MANY=0; takes_many "$PLANGATE" && MANY=1
MANY_BEFORE=0; [ -z "$BEFORE" ] || { takes_many "$BEFORE" && MANY_BEFORE=1; }

# median of numbers on stdin
median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# one NAME CMD...: one batch, "wall cpu" appended to $CACHE/fixed-NAME.txt
one() {
    name=$1; shift
    "$CACHE/runloop" "$@" >> "$CACHE/fixed-$name.txt" || { echo "fixed_cost: $name failed" >&2; exit 1; }
}

# job NAME: one batch of one line ("pg-check": the plangate under test,
# "before-check": BENCH_BEFORE's)
job() {
    case $1 in
    true) one true "$N" /bin/true; return ;;
    pg-*) bin=$PLANGATE ;;
    *) bin=$BEFORE ;;
    esac
    case ${1#*-} in
    version) one "$1" "$N" "$bin" version ;;
    check) one "$1" "$N" "$bin" check --no-config "$PLAN4K" ;;
    each) one "$1" -l "$SMALL_DIR/list" "$bin" check --no-config @ ;;
    many) # one argument per plan path
        # shellcheck disable=SC2046
        one "$1" 1 "$bin" check --no-config $(cat "$SMALL_DIR/list") ;;
    esac
}
JOBS="true pg-version pg-check pg-each"
[ "$MANY" = 0 ] || JOBS="$JOBS pg-many"
if [ -n "$BEFORE" ]; then
    JOBS="$JOBS before-version before-check before-each"
    [ "$MANY_BEFORE" = 0 ] || JOBS="$JOBS before-many"
fi
J=$(echo "$JOBS" | wc -w)

rm -f "$CACHE"/fixed-*.txt
echo "plangate fixed cost: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)," \
  "rounds=$ROUNDS, N=$N, $SMALL_N small plans of ~$SMALL_BYTES bytes, 4 KB plan $(wc -c < "$PLAN4K") bytes"
# Every round runs every line once, starting one line further each round:
# no line always runs right after the same other one.
r=0
while [ $r -lt "$ROUNDS" ]; do
    k=0
    while [ $k -lt "$J" ]; do
        job "$(echo "$JOBS" | cut -d' ' -f$(((k + r) % J + 1)))"
        k=$((k + 1))
    done
    r=$((r + 1))
done

# ratio NAME RUNS FIELD: per round, the line's time per run (FIELD 1 wall,
# 2 CPU) over that round's /bin/true time per run; the median of the rounds
ratio() {
    paste -d' ' "$CACHE/fixed-$1.txt" "$CACHE/fixed-true.txt" |
      awk -v f="$3" -v runs="$2" -v n="$N" '{ t = $(f + 2) / n; print (t > 0 ? ($f / runs) / t : 0) }' | median
}

# row LABEL NAME RUNS
row() {
    [ -s "$CACHE/fixed-$2.txt" ] || return 0
    printf "  %-40s %8.2f %8.2f\n" "$1" "$(ratio "$2" "$3" 2)" "$(ratio "$2" "$3" 1)"
}

report() {
    p=$1 bin=$2 many=$3
    echo "$bin (each figure: time per run, or per plan, / one /bin/true run; CPU, then wall):"
    printf "  %-40s %8s %8s\n" "" "CPU" "wall"
    row "/bin/true" true "$N"
    row "plangate version" "$p-version" "$N"
    row "plangate check, one 4 KB plan" "$p-check" "$N"
    row "$SMALL_N runs of one small plan each (/plan)" "$p-each" "$SMALL_N"
    if [ "$many" = 1 ]; then
        row "one run of $SMALL_N small plans (/plan)" "$p-many" "$SMALL_N"
        row "one run of $SMALL_N small plans (whole)" "$p-many" 1
    else
        echo "  one run of $SMALL_N small plans: skipped ($bin check takes one plan at a time)"
    fi
}
report pg "$PLANGATE" "$MANY"
[ -z "$BEFORE" ] || report before "$BEFORE" "$MANY_BEFORE"
