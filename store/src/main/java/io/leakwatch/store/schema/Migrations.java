package io.leakwatch.store.schema;

import io.leakwatch.store.StoreException;
import io.leakwatch.store.engine.ClickHouseEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies pending migrations at start-up and records each in {@code schema_migrations}. Safe to run any
 * number of times and from several processes at once (server mode): statements are idempotent and a
 * version already recorded is skipped.
 */
public final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    /** The migration record; on a cluster it is replicated and distributed like every other table. */
    public static final String SCHEMA_MIGRATIONS_DDL = """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version     UInt32,
                description String,
                applied_at  DateTime64(3, 'UTC') DEFAULT now64(3)
            ) ENGINE = ReplacingMergeTree ORDER BY version
            """;

    private Migrations() {
    }

    /** Applies what is missing on a single node; returns the versions applied by this call. */
    public static List<Integer> apply(ClickHouseEngine engine, List<Migration> migrations) {
        return apply(engine, migrations, Topology.singleNode());
    }

    /**
     * Applies what is missing in the form {@code topology} needs (on a cluster: {@code ON CLUSTER}, so one
     * process migrates every node); returns the versions applied by this call.
     */
    public static List<Integer> apply(ClickHouseEngine engine, List<Migration> migrations, Topology topology) {
        for (String statement : topology.statements(SCHEMA_MIGRATIONS_DDL)) {
            engine.execute(statement, Map.of());
        }
        migrations = topology.apply(migrations);
        Set<Integer> applied = appliedVersions(engine);
        List<Integer> done = new java.util.ArrayList<>();
        for (Migration m : migrations) {
            if (applied.contains(m.version())) {
                continue;
            }
            for (String statement : m.statements()) {
                try {
                    engine.execute(statement, Map.of());
                } catch (StoreException e) {
                    throw new StoreException("migration " + m.version() + " (" + m.description() + ") failed: "
                            + e.getMessage(), e.retryable(), e);
                }
            }
            engine.execute("INSERT INTO schema_migrations (version, description) VALUES ({v:UInt32}, {d:String})",
                    Map.of("v", m.version(), "d", m.description()));
            LOG.info("schema migration {} applied: {}", m.version(), m.description());
            done.add(m.version());
        }
        return done;
    }

    /** Versions recorded in {@code schema_migrations}. */
    public static Set<Integer> appliedVersions(ClickHouseEngine engine) {
        String out = new String(engine.query("SELECT DISTINCT version FROM schema_migrations ORDER BY version",
                Map.of(), "TabSeparated"), StandardCharsets.UTF_8);
        Set<Integer> versions = new HashSet<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                versions.add(Integer.parseInt(line.trim()));
            }
        }
        return versions;
    }
}
