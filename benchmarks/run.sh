#!/usr/bin/env bash
# Every benchmark of BENCHMARKS.md in one run, each against its anchor measured in the same run, and
# BENCHMARKS.md rewritten with the figures (about 10 minutes on 2 idle cores, 14 on busy ones).
#   ./benchmarks/run.sh            full run; rewrites BENCHMARKS.md
#   ./benchmarks/run.sh --smoke    a few seconds per benchmark; fails on errors; writes nothing
# Installs wrk, HAProxy, iproute2 and PostgreSQL from Debian packages when missing (run as root), starts
# PostgreSQL on 127.0.0.1 (.ci/databases.sh), builds the benchmarks module within the reactor.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=()
if [ "${1:-}" = "--smoke" ]; then mode=(--smoke); shift; fi
[ $# -eq 0 ] || { echo "usage: $0 [--smoke]" >&2; exit 2; }

need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || need+=(haproxy)
command -v ss >/dev/null 2>&1 || need+=(iproute2)   # ss: the cluster's bytes on the wire
if [ ${#need[@]} -gt 0 ]; then
    echo "run.sh: installing ${need[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" </dev/null >&2
fi
export PATH="$PATH:/usr/sbin"
if [ -z "${TANDEM_TEST_POSTGRES_URL:-}" ]; then
    eval "$(bash .ci/databases.sh)"   # installs PostgreSQL if missing, starts it on 127.0.0.1
fi
if [ -z "${JAVA_HOME:-}" ] && [ -d /usr/lib/jvm/java-17-openjdk-amd64 ]; then
    export JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
fi
JAVA=java
[ -n "${JAVA_HOME:-}" ] && JAVA="$JAVA_HOME/bin/java"

# Within the reactor and offline when the dependencies are there; never `mvn install`.
offline=(-o)
[ -d "$HOME/.m2/repository/org/eclipse/jetty/jetty-proxy" ] || offline=()
mvn "${offline[@]}" -q -B -ntp -pl benchmarks -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/run.classpath -Dmdep.includeScope=runtime
CP="benchmarks/target/classes:$(cat benchmarks/target/run.classpath)"

exec "$JAVA" -Xmx1g -XX:+UseParallelGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" \
    dev.tandem.benchmarks.Run "${mode[@]}" "benchmarks/target/run-work${mode:+-smoke}" BENCHMARKS.md \
    "./benchmarks/run.sh"
