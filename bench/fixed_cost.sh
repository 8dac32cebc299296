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
# all of them alike), the figures are medians over the rounds, and only
# ratios are printed: on a shared VM a lone absolute time means little.
# CPU time (user + system of the children) is steadier than wall time; both
# are shown.
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

# bin prefix: the lines of one plangate binary
lines() {
    bin=$1 p=$2 many=$3
    one "$p-version" "$N" "$bin" version
    one "$p-check" "$N" "$bin" check --no-config "$PLAN4K"
    one "$p-each" -l "$SMALL_DIR/list" "$bin" check --no-config @
    if [ "$many" = 1 ]; then
        # shellcheck disable=SC2046 # one argument per plan path
        one "$p-many" 1 "$bin" check --no-config $(cat "$SMALL_DIR/list")
    fi
}

rm -f "$CACHE"/fixed-*.txt
echo "plangate fixed cost: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)," \
  "rounds=$ROUNDS, N=$N, $SMALL_N small plans of ~$SMALL_BYTES bytes, 4 KB plan $(wc -c < "$PLAN4K") bytes"
r=0
while [ $r -lt "$ROUNDS" ]; do
    one true "$N" /bin/true
    # the two binaries take turns at going first
    if [ -n "$BEFORE" ] && [ $((r % 2)) = 1 ]; then lines "$BEFORE" before "$MANY_BEFORE"; fi
    lines "$PLANGATE" pg "$MANY"
    if [ -n "$BEFORE" ] && [ $((r % 2)) = 0 ]; then lines "$BEFORE" before "$MANY_BEFORE"; fi
    r=$((r + 1))
done

# col NAME FIELD: the median of one column (1 wall, 2 CPU)
col() { cut -d' ' -f"$2" < "$CACHE/fixed-$1.txt" | median; }
T_WALL=$(col true 1); T_CPU=$(col true 2)

# row LABEL NAME RUNS: the batch's time per run as a multiple of one /bin/true
row() {
    [ -s "$CACHE/fixed-$2.txt" ] || return 0
    awk -v label="$1" -v w="$(col "$2" 1)" -v c="$(col "$2" 2)" -v runs="$3" -v tw="$T_WALL" -v tc="$T_CPU" -v n="$N" \
      'BEGIN { tw /= n; tc /= n;
               printf "  %-40s %8.2f %8.2f\n", label, (w / runs) / tw, (c / runs) / tc }'
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
