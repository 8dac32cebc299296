#!/bin/sh
# bench.sh — plangate against a bare structural scan and jq, side by side
# (SPEC §6, issue 6). Prints medians, ratios and peak RSS. Machines are noisy:
# the three programs run alternately in the same loop and only ratios count.
#
#   make bench                       # sizes 20000 and 100000, 3 rounds
#   BENCH_SIZES="20000" BENCH_ROUNDS=5 sh bench/bench.sh
#   BENCH_JQ=0 sh bench/bench.sh     # skip jq (it needs ~3 GB and minutes at 100000)
#   BENCH_BEFORE=/tmp/old/plangate sh bench/bench.sh   # a second plangate (the
#                                    # commit before a change) in the same loop:
#                                    # before and after side by side, each as a ratio
set -eu
cd "$(dirname "$0")/.."
SHARED=${SHARED:-../shared}
CACHE=${BENCH_CACHE:-bench/cache}
SIZES=${BENCH_SIZES:-20000 100000}
ROUNDS=${BENCH_ROUNDS:-3}
RUN_JQ=${BENCH_JQ:-1}
PLANGATE=${PLANGATE:-build/plangate}
BEFORE=${BENCH_BEFORE:-}

[ -x "$PLANGATE" ] || { echo "bench: build $PLANGATE first (make)"; exit 1; }
[ -f "$SHARED/bench/genplan.py" ] || { echo "bench: $SHARED/bench is absent"; exit 1; }
command -v jq >/dev/null 2>&1 || RUN_JQ=0
mkdir -p "$CACHE"
cc -O2 -o "$CACHE/base_scan" "$SHARED/bench/base_scan.c"
cc -O2 -o "$CACHE/runstat" bench/runstat.c

# median of numbers on stdin
median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# measure CMD...: prints "wall_s max_rss_kib cpu_s"; the command must exit 0 or 1
measure() {
    line=$("$CACHE/runstat" "$@" 2>"$CACHE/stderr.out")
    set -- $line
    [ "$4" -le 1 ] || { echo "bench: command failed ($4):" >&2; cat "$CACHE/stderr.out" >&2; exit 1; }
    echo "$1 $3 $2"
}

echo "plangate bench: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, rounds=$ROUNDS"
for n in $SIZES; do
    plan="$CACHE/plan-$n.json"
    [ -s "$plan" ] || python3 "$SHARED/bench/genplan.py" --resources "$n" > "$plan"
    bytes=$(wc -c < "$plan")
    : > "$CACHE/pg.txt"; : > "$CACHE/base.txt"; : > "$CACHE/jq.txt"; : > "$CACHE/before.txt"
    # plangate and the bare scan alternate; jq runs after them (it needs
    # ~3 GB and evicts the caches, which would penalise whoever follows it).
    i=0
    while [ $i -lt "$ROUNDS" ]; do
        measure "$PLANGATE" check --format json "$plan" >> "$CACHE/pg.txt"
        measure "$CACHE/base_scan" "$plan" >> "$CACHE/base.txt"
        [ -z "$BEFORE" ] || measure "$BEFORE" check --format json "$plan" >> "$CACHE/before.txt"
        i=$((i + 1))
    done
    i=0
    while [ "$RUN_JQ" = 1 ] && [ $i -lt "$ROUNDS" ]; do
        measure jq '[.resource_changes[] | select(.change.actions | index("delete"))] | length' "$plan" >> "$CACHE/jq.txt"
        i=$((i + 1))
    done
    pg=$(cut -d' ' -f1 < "$CACHE/pg.txt" | median)
    base=$(cut -d' ' -f1 < "$CACHE/base.txt" | median)
    pg_rss=$(cut -d' ' -f2 < "$CACHE/pg.txt" | sort -n | tail -n 1)
    echo "resources=$n bytes=$bytes"
    echo "  plangate  median ${pg}s   peak RSS $((pg_rss / 1024)) MiB (${pg_rss} KiB; target < 16 MiB)"
    echo "  base_scan median ${base}s"
    awk -v a="$pg" -v b="$base" 'BEGIN { printf "  ratio plangate/base_scan = %.2f (target <= 1.5)\n", (b > 0 ? a / b : 0) }'
    if [ -n "$BEFORE" ]; then
        bt=$(cut -d' ' -f1 < "$CACHE/before.txt" | median)
        b_rss=$(cut -d' ' -f2 < "$CACHE/before.txt" | sort -n | tail -n 1)
        pg_cpu=$(cut -d' ' -f3 < "$CACHE/pg.txt" | median)
        b_cpu=$(cut -d' ' -f3 < "$CACHE/before.txt" | median)
        base_cpu=$(cut -d' ' -f3 < "$CACHE/base.txt" | median)
        echo "  before    median ${bt}s   peak RSS $((b_rss / 1024)) MiB ($BEFORE)"
        awk -v a="$bt" -v b="$base" 'BEGIN { printf "  ratio before/base_scan   = %.2f\n", (b > 0 ? a / b : 0) }'
        awk -v a="$pg_cpu" -v o="$b_cpu" -v b="$base_cpu" 'BEGIN { printf "  CPU ratio to base_scan: plangate %.2f, before %.2f\n", (b > 0 ? a / b : 0), (b > 0 ? o / b : 0) }'
    fi
    if [ "$RUN_JQ" = 1 ]; then
        jqt=$(cut -d' ' -f1 < "$CACHE/jq.txt" | median)
        jq_rss=$(cut -d' ' -f2 < "$CACHE/jq.txt" | sort -n | tail -n 1)
        echo "  jq        median ${jqt}s   peak RSS $((jq_rss / 1024)) MiB"
        awk -v a="$pg" -v j="$jqt" 'BEGIN { printf "  speed-up over jq = %.1fx (target >= 15)\n", (a > 0 ? j / a : 0) }'
    fi
done

# A small plan (CI runs plangate on every plan): process time, median of 21
# runs, next to /bin/true's: on a VM, starting any process costs several ms.
small=testdata/plans/det-key-replacement-format-0.1/plan.json
: > "$CACHE/small.txt"; : > "$CACHE/true.txt"
i=0
while [ $i -lt 21 ]; do
    measure "$PLANGATE" check --format json "$small" | awk '{ printf "%.3f\n", $3 * 1000 }' >> "$CACHE/small.txt"
    measure /bin/true | awk '{ printf "%.3f\n", $3 * 1000 }' >> "$CACHE/true.txt"
    i=$((i + 1))
done
st=$(median < "$CACHE/small.txt"); tt=$(median < "$CACHE/true.txt")
echo "small plan ($(wc -c < "$small") bytes): median process time (user+sys) ${st} ms; /bin/true ${tt} ms;"
awk -v a="$st" -v b="$tt" 'BEGIN { printf "  plangate above process start-up: %.2f ms (target < 5 ms)\n", a - b }'
