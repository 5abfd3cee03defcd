-- migration 3: alerting: rules, silences, states, history, notifications, channels, lease

CREATE TABLE IF NOT EXISTS leakwatch.alert_rules_local ON CLUSTER leakwatch_cluster (
    id         String,
    definition String CODEC(ZSTD(3)),
    deleted    UInt8,
    updated_at DateTime64(3, 'UTC'),
    version    UInt64
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/alert_rules', '{replica}', version) ORDER BY id
;

CREATE TABLE IF NOT EXISTS leakwatch.alert_rules ON CLUSTER leakwatch_cluster AS leakwatch.alert_rules_local
ENGINE = Distributed(leakwatch_cluster, leakwatch, alert_rules_local, cityHash64(id))
;

CREATE TABLE IF NOT EXISTS leakwatch.alert_silences_local ON CLUSTER leakwatch_cluster (
    id         String,
    definition String CODEC(ZSTD(3)),
    starts_at  DateTime64(3, 'UTC'),
    ends_at    DateTime64(3, 'UTC'),
    updated_at DateTime64(3, 'UTC'),
    version    UInt64
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/alert_silences', '{replica}', version) ORDER BY id
TTL toDateTime(ends_at) + INTERVAL 30 DAY
;

CREATE TABLE IF NOT EXISTS leakwatch.alert_silences ON CLUSTER leakwatch_cluster AS leakwatch.alert_silences_local
ENGINE = Distributed(leakwatch_cluster, leakwatch, alert_silences_local, cityHash64(id))
;

CREATE TABLE IF NOT EXISTS leakwatch.alert_states_local ON CLUSTER leakwatch_cluster (
    key_id     String,
    rule_id    LowCardinality(String),
    service    LowCardinality(String),
    status     LowCardinality(String),
    document   String CODEC(ZSTD(3)),
    deleted    UInt8,
    updated_at DateTime64(3, 'UTC'),
    version    UInt64
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/alert_states', '{replica}', version) ORDER BY key_id
;

CREATE TABLE IF NOT EXISTS leakwatch.alert_states ON CLUSTER leakwatch_cluster AS leakwatch.alert_states_local
ENGINE = Distributed(leakwatch_cluster, leakwatch, alert_states_local, cityHash64(key_id))
;

CREATE TABLE IF NOT EXISTS leakwatch.alert_history_local ON CLUSTER leakwatch_cluster (
    at          DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    key_id      String,
    rule_id     LowCardinality(String),
    service     LowCardinality(String),
    from_status LowCardinality(String),
    to_status   LowCardinality(String),
    document    String CODEC(ZSTD(3))
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/alert_history', '{replica}') ORDER BY (at, key_id)
TTL toDateTime(at) + INTERVAL 90 DAY
;

CREATE TABLE IF NOT EXISTS leakwatch.alert_history ON CLUSTER leakwatch_cluster AS leakwatch.alert_history_local
ENGINE = Distributed(leakwatch_cluster, leakwatch, alert_history_local, rand())
;

CREATE TABLE IF NOT EXISTS leakwatch.alert_notifications_local ON CLUSTER leakwatch_cluster (
    key_id  String,
    kind    LowCardinality(String),
    at      DateTime64(3, 'UTC'),
    holder  String,
    version UInt64
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/alert_notifications', '{replica}') ORDER BY (key_id, kind, at)
TTL toDateTime(at) + INTERVAL 30 DAY
;

CREATE TABLE IF NOT EXISTS leakwatch.alert_notifications ON CLUSTER leakwatch_cluster AS leakwatch.alert_notifications_local
ENGINE = Distributed(leakwatch_cluster, leakwatch, alert_notifications_local, rand())
;

CREATE TABLE IF NOT EXISTS leakwatch.alert_channels_local ON CLUSTER leakwatch_cluster (
    id          String,
    type        LowCardinality(String),
    target      String,
    last_record String,
    updated_at  DateTime64(3, 'UTC'),
    version     UInt64
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/alert_channels', '{replica}', version) ORDER BY id
;

CREATE TABLE IF NOT EXISTS leakwatch.alert_channels ON CLUSTER leakwatch_cluster AS leakwatch.alert_channels_local
ENGINE = Distributed(leakwatch_cluster, leakwatch, alert_channels_local, cityHash64(id))
;

CREATE TABLE IF NOT EXISTS leakwatch.alert_leases_local ON CLUSTER leakwatch_cluster (
    name       String,
    holder     String,
    expires_at DateTime64(3, 'UTC'),
    version    UInt64
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/alert_leases', '{replica}', version) ORDER BY name
;

CREATE TABLE IF NOT EXISTS leakwatch.alert_leases ON CLUSTER leakwatch_cluster AS leakwatch.alert_leases_local
ENGINE = Distributed(leakwatch_cluster, leakwatch, alert_leases_local, cityHash64(name))
;
