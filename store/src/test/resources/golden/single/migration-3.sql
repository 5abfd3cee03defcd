-- migration 3: alerting: rules, silences, states, history, notifications, channels, lease

CREATE TABLE IF NOT EXISTS alert_rules (
    id         String,
    definition String CODEC(ZSTD(3)),
    deleted    UInt8,
    updated_at DateTime64(3, 'UTC'),
    version    UInt64
) ENGINE = ReplacingMergeTree(version) ORDER BY id
;

CREATE TABLE IF NOT EXISTS alert_silences (
    id         String,
    definition String CODEC(ZSTD(3)),
    starts_at  DateTime64(3, 'UTC'),
    ends_at    DateTime64(3, 'UTC'),
    updated_at DateTime64(3, 'UTC'),
    version    UInt64
) ENGINE = ReplacingMergeTree(version) ORDER BY id
TTL toDateTime(ends_at) + INTERVAL 30 DAY
;

CREATE TABLE IF NOT EXISTS alert_states (
    key_id     String,
    rule_id    LowCardinality(String),
    service    LowCardinality(String),
    status     LowCardinality(String),
    document   String CODEC(ZSTD(3)),
    deleted    UInt8,
    updated_at DateTime64(3, 'UTC'),
    version    UInt64
) ENGINE = ReplacingMergeTree(version) ORDER BY key_id
;

CREATE TABLE IF NOT EXISTS alert_history (
    at          DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    key_id      String,
    rule_id     LowCardinality(String),
    service     LowCardinality(String),
    from_status LowCardinality(String),
    to_status   LowCardinality(String),
    document    String CODEC(ZSTD(3))
) ENGINE = MergeTree ORDER BY (at, key_id)
TTL toDateTime(at) + INTERVAL 90 DAY
;

CREATE TABLE IF NOT EXISTS alert_notifications (
    key_id  String,
    kind    LowCardinality(String),
    at      DateTime64(3, 'UTC'),
    holder  String,
    version UInt64
) ENGINE = MergeTree ORDER BY (key_id, kind, at)
TTL toDateTime(at) + INTERVAL 30 DAY
;

CREATE TABLE IF NOT EXISTS alert_channels (
    id          String,
    type        LowCardinality(String),
    target      String,
    last_record String,
    updated_at  DateTime64(3, 'UTC'),
    version     UInt64
) ENGINE = ReplacingMergeTree(version) ORDER BY id
;

CREATE TABLE IF NOT EXISTS alert_leases (
    name       String,
    holder     String,
    expires_at DateTime64(3, 'UTC'),
    version    UInt64
) ENGINE = ReplacingMergeTree(version) ORDER BY name
;
