#!/usr/bin/env bash
# Builds Tandem and runs the demo on 127.0.0.1:8080 (Ctrl-C stops it). Arguments go to the demo.
set -euo pipefail
cd "$(dirname "$0")"
mvn -q -B -DskipTests -pl examples -am package dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
exec java -cp "examples/target/classes:$(cat examples/target/classpath.txt)" dev.tandem.examples.Demo "$@"
