#!/bin/bash
# paired.sh NS3_EXE BENCHMARKS_JAR [ROUNDS]: issue #7's speed comparison on this host, now. Each round runs, per
# workload (UDP, then TCP), ns-3's k2p-8dial (NS3_EXE, from build.sh) and then one JMH fork of pktsim's
# RouterBenchmark (BENCHMARKS_JAR), back to back, so that both see the same host state; prints both rates of
# forwarded packets per wall-clock second and their ratio. Environment: LAN=p2p|csma (ns-3's LAN, default p2p,
# the cheaper for ns-3), IPV6=0|1 (ns-3's family, default 0, the cheaper for ns-3; pktsim's scenario is IPv6).
# Needs jq. About two minutes per round.
set -euo pipefail
ns3=${1:?usage: paired.sh NS3_EXE BENCHMARKS_JAR [ROUNDS]}
jar=${2:?usage: paired.sh NS3_EXE BENCHMARKS_JAR [ROUNDS]}
rounds=${3:-4}
lan=${LAN:-p2p}
ipv6=${IPV6:-0}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "# $(date -u +%FT%TZ) host: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), ns-3 LAN $lan," \
    "IPv6 $ipv6"
echo "# round workload ns3_fwd_per_s pktsim_fwd_per_s ratio"
for r in $(seq 1 "$rounds"); do
    for w in UDP TCP; do
        "$ns3" --workload="$w" --lan="$lan" --ipv6="$ipv6" --warmUp=2 --window=2 --windows=3 > "$tmp/ns3.txt"
        n=$(grep -v '^#' "$tmp/ns3.txt" | awk '{ print $5 }' | median)
        java -jar "$jar" RouterBenchmark -p workload="$w" -f 1 -wi 2 -i 3 -rf json -rff "$tmp/jmh.json" \
            > "$tmp/jmh.txt" 2>&1
        p=$(jq '.[0].secondaryMetrics.forwardedPackets.score' "$tmp/jmh.json")
        awk -v r="$r" -v w="$w" -v n="$n" -v p="$p" 'BEGIN { printf "%d %s %.0f %.0f %.1f\n", r, w, n, p, p / n }'
    done
done
