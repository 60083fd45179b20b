#!/usr/bin/env bash
# Resolves Apache Kafka's broker jars (see pom.xml) from Maven Central into deploy/kafka/lib/.
# Idempotent: does nothing when the jars of the pinned version are already there.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
lib="$here/lib"
version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")"

if [[ -f "$lib/kafka_2.13-$version.jar" && -f "$lib/slf4j-reload4j-1.7.36.jar" ]]; then
  exit 0
fi
command -v mvn >/dev/null || { echo "fetch.sh: Maven (mvn) is required to resolve Kafka's jars" >&2; exit 1; }
command -v java >/dev/null || { echo "fetch.sh: Java 17+ is required to run Kafka" >&2; exit 1; }

# Resolve into a fresh directory and swap it in, so an interrupted run never leaves a
# half-filled lib/ that the check above would accept.
tmp="$lib.tmp.$$"
trap 'rm -rf "$tmp"' EXIT
mvn -q -B -Dstyle.color=never -f "$here/pom.xml" dependency:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory="$tmp" >&2
rm -rf "$lib"
mv "$tmp" "$lib"
rm -rf "$here/target"
echo "fetch.sh: Kafka $version jars in $lib ($(du -sh "$lib" | cut -f1))" >&2
