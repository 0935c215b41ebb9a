#!/usr/bin/env bash
# The chaos runner: kills app nodes under load and checks every acknowledged session write.
# ./chaos/run.sh --help lists the options; CHAOS_NO_BUILD=1 skips the build (CI has just built it).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${CHAOS_NO_BUILD:-}" != 1 ] || [ ! -f chaos/target/classpath.txt ]; then
    mvn -q -B -ntp -DskipTests -pl chaos -am package
fi
exec java -Xmx512m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "chaos/target/classes:$(cat chaos/target/classpath.txt)" dev.tandem.chaos.ChaosRun "$@"
