package io.leakwatch.store.alerts;

import io.leakwatch.store.schema.Migration;

import java.util.List;

/**
 * Migration 3: the alerting tables that query-api replicas share. Rules, silences, current alert states,
 * channel status and the evaluator lease are ReplacingMergeTrees keyed by their id with a {@code version}
 * column (the writer's monotonic microsecond stamp); readers take the row with the highest
 * {@code (version, …)} per id, so no read depends on when ClickHouse merges. Deleting is writing a row with
 * {@code deleted = 1}. History and the notification record are append-only MergeTrees with TTLs.
 */
public final class AlertSchema {

    public static final String RULES = "alert_rules";
    public static final String SILENCES = "alert_silences";
    public static final String STATES = "alert_states";
    public static final String HISTORY = "alert_history";
    public static final String NOTIFICATIONS = "alert_notifications";
    public static final String CHANNELS = "alert_channels";
    public static final String LEASES = "alert_leases";

    private AlertSchema() {
    }

    /** The migration; history and notification records are kept {@code 90} and {@code 30} days. */
    public static Migration migration() {
        return new Migration(3, "alerting: rules, silences, states, history, notifications, channels, lease", List.of(
                """
                CREATE TABLE IF NOT EXISTS alert_rules (
                    id         String,
                    definition String CODEC(ZSTD(3)),
                    deleted    UInt8,
                    updated_at DateTime64(3, 'UTC'),
                    version    UInt64
                ) ENGINE = ReplacingMergeTree(version) ORDER BY id
                """,
                """
                CREATE TABLE IF NOT EXISTS alert_silences (
                    id         String,
                    definition String CODEC(ZSTD(3)),
                    starts_at  DateTime64(3, 'UTC'),
                    ends_at    DateTime64(3, 'UTC'),
                    updated_at DateTime64(3, 'UTC'),
                    version    UInt64
                ) ENGINE = ReplacingMergeTree(version) ORDER BY id
                TTL toDateTime(ends_at) + INTERVAL 30 DAY
                """,
                """
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
                """,
                """
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
                """,
                """
                CREATE TABLE IF NOT EXISTS alert_notifications (
                    key_id  String,
                    kind    LowCardinality(String),
                    at      DateTime64(3, 'UTC'),
                    holder  String,
                    version UInt64
                ) ENGINE = MergeTree ORDER BY (key_id, kind, at)
                TTL toDateTime(at) + INTERVAL 30 DAY
                """,
                """
                CREATE TABLE IF NOT EXISTS alert_channels (
                    id          String,
                    type        LowCardinality(String),
                    target      String,
                    last_record String,
                    updated_at  DateTime64(3, 'UTC'),
                    version     UInt64
                ) ENGINE = ReplacingMergeTree(version) ORDER BY id
                """,
                """
                CREATE TABLE IF NOT EXISTS alert_leases (
                    name       String,
                    holder     String,
                    expires_at DateTime64(3, 'UTC'),
                    version    UInt64
                ) ENGINE = ReplacingMergeTree(version) ORDER BY name
                """));
    }
}
