-- migration 0: migration record

CREATE TABLE IF NOT EXISTS leakwatch.schema_migrations_local ON CLUSTER leakwatch_cluster (
    version     UInt32,
    description String,
    applied_at  DateTime64(3, 'UTC') DEFAULT now64(3)
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/schema_migrations', '{replica}') ORDER BY version
;

CREATE TABLE IF NOT EXISTS leakwatch.schema_migrations ON CLUSTER leakwatch_cluster AS leakwatch.schema_migrations_local
ENGINE = Distributed(leakwatch_cluster, leakwatch, schema_migrations_local, cityHash64(version))
;
