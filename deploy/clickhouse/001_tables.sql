-- Vigil ClickHouse schema. ${db}, ${alerts_ttl_days} and ${events_ttl_days} are filled in by
-- `vigil migrate` from validated config (identifiers and integers only); every value that
-- comes from a user reaches ClickHouse as a query parameter instead.

CREATE DATABASE IF NOT EXISTS ${db};

-- One row per alert revision; ReplacingMergeTree keeps the highest revision of each
-- alert_id, so replays and redeliveries deduplicate. Read with FINAL.
CREATE TABLE IF NOT EXISTS ${db}.alerts
(
    alert_id     String,
    detector     LowCardinality(String),
    category     LowCardinality(String),
    severity     Enum8('info' = 1, 'low' = 2, 'medium' = 3, 'high' = 4, 'critical' = 5),
    score        Float32,
    tenant       LowCardinality(String),
    entity_type  LowCardinality(String),
    entity_id    String,
    title        String,
    description  String,
    first_seen   DateTime64(3, 'UTC'),
    last_seen    DateTime64(3, 'UTC'),
    detected_at  DateTime64(3, 'UTC'),
    event_count  UInt32,
    evidence     String,
    techniques   Array(LowCardinality(String)),
    related      Array(String),
    revision     UInt64,
    stored_at    DateTime DEFAULT now()
)
ENGINE = ReplacingMergeTree(revision)
PARTITION BY toYYYYMM(first_seen)
ORDER BY alert_id
TTL stored_at + INTERVAL ${alerts_ttl_days} DAY;

-- Append-only triage audit trail.
CREATE TABLE IF NOT EXISTS ${db}.alert_actions
(
    action_id  UUID,
    alert_id   String,
    at         DateTime64(3, 'UTC'),
    actor      String,
    role       LowCardinality(String),
    action     LowCardinality(String),
    assignee   String,
    note       String
)
ENGINE = MergeTree
ORDER BY (alert_id, at);

-- Validated raw events for investigation and backtests; shorter retention, by ingest time
-- so that replays of old recordings are not expired on arrival.
CREATE TABLE IF NOT EXISTS ${db}.events
(
    event_id     String,
    type         LowCardinality(String),
    tenant       LowCardinality(String),
    ts           DateTime64(3, 'UTC'),
    entity       String,
    source       String,
    body         String,
    ingested_at  DateTime DEFAULT now()
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMMDD(ingested_at)
ORDER BY (type, entity, ts, event_id)
TTL ingested_at + INTERVAL ${events_ttl_days} DAY;
