#!/bin/bash
# paired.sh GRO_BURST_EXE BENCHMARKS_JAR [ROUNDS]: pktsim's GRO against DPDK's librte_gro on this host, now. Each
# round runs, for 1, 8 and 64 flows, DPDK's gro_burst (GRO_BURST_EXE, from build.sh: three rounds of 20,000 bursts;
# the median of its faster mode, with the frees) and then one JMH fork of GroBench.receivePrepared
# (BENCHMARKS_JAR), back to back, so that both see the same host state; prints both in ns per packet and DPDK's
# time over pktsim's (above 1: pktsim is faster). Needs jq. About a minute per round.
set -euo pipefail
dpdk=${1:?usage: paired.sh GRO_BURST_EXE BENCHMARKS_JAR [ROUNDS]}
jar=${2:?usage: paired.sh GRO_BURST_EXE BENCHMARKS_JAR [ROUNDS]}
rounds=${3:-4}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "# $(date -u +%FT%TZ) host: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "# round flows dpdk_ns_per_pkt pktsim_ns_per_pkt dpdk/pktsim"
for r in $(seq 1 "$rounds"); do
    for f in 1 8 64; do
        "$dpdk" "$f" 20000 3 > "$tmp/dpdk.txt"
        # DPDK's faster mode, with the frees: lightweight (column 3) or heavyweight (column 6)
        light=$(grep -v '^#' "$tmp/dpdk.txt" | awk '{ print $3 }' | median)
        heavy=$(grep -v '^#' "$tmp/dpdk.txt" | awk '{ print $6 }' | median)
        d=$(awk -v a="$light" -v b="$heavy" 'BEGIN { print (a < b ? a : b) }')
        java -jar "$jar" GroBench.receivePrepared -p flows="$f" -f 1 -wi 3 -i 5 -rf json -rff "$tmp/jmh.json" \
            > "$tmp/jmh.txt" 2>&1
        p=$(jq '.[0].primaryMetric.score' "$tmp/jmh.json")
        awk -v r="$r" -v f="$f" -v d="$d" -v p="$p" 'BEGIN { printf "%d %d %.1f %.1f %.2f\n", r, f, d, p, d / p }'
    done
done
