#!/usr/bin/env bash
# Requests/s and p99 latency straight to a Jetty app node and through a web tier running the
# DispatchFilter, in the same run (wrk, 32 connections, 10 s per round, 3 interleaved rounds after a
# warm-up). Prints one markdown table row for BENCHMARKS.md. Takes about 1.5 minutes.
# Usage, from anywhere: benchmarks/dispatch.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null; then
  apt-get install -y wrk >/dev/null
fi
# Within the reactor (never `mvn install`: ~/.m2 is shared). benchmarks/run.sh measures more.
mvn -q -o -B -pl benchmarks -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/dispatch.classpath >/dev/null
CP="benchmarks/target/classes:$(cat benchmarks/target/dispatch.classpath)"
JAVA=(java -Xmx512m -XX:+UseParallelGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP")
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT

start() { # main-class [arg] -> prints the port
  local out
  out=$(mktemp)
  "${JAVA[@]}" "$@" >"$out" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 200); do
    if grep -q '^READY ' "$out"; then grep '^READY ' "$out" | cut -d' ' -f2; return; fi
    sleep 0.1
  done
  echo "$1 did not start:" >&2; cat "$out" >&2; exit 1
}

BACKEND=$(start dev.tandem.benchmarks.dispatch.BackendMain)
WEB=$(start dev.tandem.benchmarks.dispatch.WebTierMain "app-a=127.0.0.1:$BACKEND")
DIRECT_URL="http://127.0.0.1:$BACKEND/"
FILTER_URL="http://127.0.0.1:$WEB/"

run() { # url seconds -> "req/s p99-ms"
  wrk -t2 -c32 -d"$2"s --latency "$1" | awk '
    /Requests\/sec:/ { rps = $2 }
    /^ *99%/ { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v = v / 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v = v * 1000 }; p99 = v }
    END { printf "%s %s\n", rps, p99 }'
}

run "$DIRECT_URL" 3 >/dev/null
run "$FILTER_URL" 3 >/dev/null
D=(); F=()
for round in 1 2 3; do
  D+=("$(run "$DIRECT_URL" 10)")
  F+=("$(run "$FILTER_URL" 10)")
  echo "round $round: direct ${D[-1]}  filter ${F[-1]}" >&2
done
median() { sort -g | sed -n 2p; }
DR=$(printf '%s\n' "${D[@]}" | cut -d' ' -f1 | median)
DP=$(printf '%s\n' "${D[@]}" | cut -d' ' -f2 | median)
FR=$(printf '%s\n' "${F[@]}" | cut -d' ' -f1 | median)
FP=$(printf '%s\n' "${F[@]}" | cut -d' ' -f2 | median)
awk -v dr="$DR" -v dp="$DP" -v fr="$FR" -v fp="$FP" -v cores="$(nproc)" 'BEGIN {
  printf "| dispatch filter (wrk, 32 conn, %s cores, median of 3) | direct %.0f req/s, p99 %.2f ms | through the filter %.0f req/s, p99 %.2f ms | %.2fx req/s, %.2fx p99 |\n",
    cores, dr, dp, fr, fp, fr / dr, fp / dp }'
