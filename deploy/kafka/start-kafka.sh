#!/usr/bin/env bash
# Runs a single-node KRaft Apache Kafka broker from the jars fetch.sh resolves.
# For local development and the test harness (test/harness/kafka.ts); not for production.
#
#   bash deploy/kafka/start-kafka.sh [--data-dir DIR] [--port 9092] [--controller-port 9093]
#                                    [--exit-with-pid PID] [--extra-properties FILE]
#                                    [--add-scram 'SCRAM-SHA-256=[name=U,password=P]' …]
#
# Listens on 127.0.0.1 only. The broker runs in the foreground (exec), so its PID is this
# script's PID and Ctrl-C / SIGTERM stop it cleanly. Data survives restarts with the same
# --data-dir. --exit-with-pid stops the broker when that process is gone (the test harness
# passes its own PID, so a killed test run leaves no broker behind). --extra-properties
# appends FILE to the broker's properties (later keys win: more listeners, TLS, SASL);
# --add-scram creates a SCRAM user when the storage is formatted (test/harness/kafka-secure.ts).
# Environment: KAFKA_HEAP_OPTS (default -Xmx512m -Xms128m), JAVA (default java).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

data_dir="${TMPDIR:-/tmp}/vigil-kafka-dev"
port=9092
controller_port=9093
parent_pid=""
extra_properties=""
scram_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --data-dir) data_dir="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --controller-port) controller_port="$2"; shift 2 ;;
    --exit-with-pid) parent_pid="$2"; shift 2 ;;
    --extra-properties) extra_properties="$2"; shift 2 ;;
    --add-scram) scram_args+=(--add-scram "$2"); shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "start-kafka.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

bash "$here/fetch.sh"
mkdir -p "$data_dir/logs"
data_dir="$(cd "$data_dir" && pwd)"
java="${JAVA:-java}"
cp="$here/lib/*"

cat > "$data_dir/server.properties" <<PROPS
# Written by deploy/kafka/start-kafka.sh: combined broker+controller KRaft node.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$data_dir/logs
# One node: every internal topic has one replica; one offsets partition keeps start-up fast.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
default.replication.factor=1
min.insync.replicas=1
# Consumers join at once instead of waiting 3 s for more members (tests restart groups often).
group.initial.rebalance.delay.ms=0
# Vigil creates its topics itself (Bus.ensureTopics); a typo must fail, not create a topic.
auto.create.topics.enable=false
num.partitions=6
num.network.threads=2
num.io.threads=4
PROPS
if [[ -n "$extra_properties" ]]; then cat "$extra_properties" >> "$data_dir/server.properties"; fi

cat > "$data_dir/log4j.properties" <<PROPS
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
# The controller and state-change loggers repeat every metadata change; keep them quiet.
log4j.logger.kafka.controller=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.org.apache.kafka.controller=WARN
log4j.logger.org.apache.kafka.image=WARN
log4j.logger.kafka.log.LogCleaner=WARN
# Each start would print ~400 lines of effective configuration.
log4j.logger.kafka.server.KafkaConfig=WARN
log4j.logger.org.apache.kafka.common.config.AbstractConfig=WARN
PROPS

log4j_opt="-Dlog4j.configuration=file:$data_dir/log4j.properties"
heap_opts="${KAFKA_HEAP_OPTS:--Xmx512m -Xms128m}"

# A random cluster id, kept with the data so a restart on the same dir reuses it.
if [[ ! -f "$data_dir/cluster.id" ]]; then
  # A 16-byte id in base64url (a Kafka Uuid); one starting with '-' would be read as an
  # option by StorageTool, so draw again until it does not.
  id=-
  while [[ "$id" == -* ]]; do id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'); done
  printf '%s' "$id" > "$data_dir/cluster.id"
fi
# Formatting is a short one-shot JVM: the C1 compiler and serial GC start it faster.
"$java" -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC "$log4j_opt" -cp "$cp" kafka.tools.StorageTool format \
  -t "$(cat "$data_dir/cluster.id")" -c "$data_dir/server.properties" --ignore-formatted "${scram_args[@]}" >/dev/null

if [[ -n "$parent_pid" ]]; then
  # $$ stays this PID across the exec below, so the watchdog signals the broker itself.
  broker_pid=$$
  ( while kill -0 "$parent_pid" 2>/dev/null; do sleep 2; done; kill -TERM "$broker_pid" 2>/dev/null ) &
fi

echo "start-kafka.sh: broker on 127.0.0.1:$port (controller :$controller_port), data in $data_dir" >&2
# shellcheck disable=SC2086
exec "$java" $heap_opts -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true "$log4j_opt" \
  -cp "$cp" kafka.Kafka "$data_dir/server.properties"
