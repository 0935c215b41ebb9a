#!/usr/bin/env bash
# Measures Tandem's file store against Jetty's FileSessionDataStore and Tomcat's FileStore in one
# run, and rewrites the file-store section of BENCHMARKS.md. Takes about 1-2 minutes.
# Usage, from anywhere: benchmarks/file-store.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# Within the reactor (never `mvn install`: ~/.m2 is shared).
mvn -q -o -B -pl benchmarks -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/file-store.classpath >/dev/null
# The work directory is on the same file system as the project (ext4 on our machines), not tmpfs.
exec java -Xmx1g -XX:+UseSerialGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/file-store.classpath)" \
  dev.tandem.benchmarks.file.FileStoreBenchmark benchmarks/target/file-store-work BENCHMARKS.md "benchmarks/file-store.sh"
