package io.leakwatch.store;

import io.leakwatch.store.engine.ChdbEngine;
import io.leakwatch.store.engine.ClickHouseEngine;
import io.leakwatch.store.engine.ServerEngine;
import io.leakwatch.store.jfr.JfrQueries;
import io.leakwatch.store.jfr.JfrWriter;
import io.leakwatch.store.schema.Migrations;
import io.leakwatch.store.schema.Schema;

/**
 * The store as other modules see it: one engine (embedded or server), the schema migrated to the latest
 * version, and the writer and queries on top. {@link #open(StoreConfig)} returns only once migrations are
 * applied; {@link #close()} is idempotent.
 */
public final class Store implements AutoCloseable {
    private final ClickHouseEngine engine;
    private final MetricWriter writer;
    private final MetricQueries queries;
    private final SignalQueries signals;
    private final JfrWriter jfrWriter;
    private final JfrQueries jfrQueries;

    private Store(ClickHouseEngine engine) {
        this.engine = engine;
        this.writer = new ClickHouseMetricWriter(engine);
        this.queries = new ClickHouseMetricQueries(engine);
        this.signals = new ClickHouseSignalQueries(engine);
        this.jfrWriter = new JfrWriter(engine);
        this.jfrQueries = new JfrQueries(engine);
    }

    /** Opens the engine and applies pending migrations. */
    public static Store open(StoreConfig config) {
        ClickHouseEngine engine = switch (config.mode()) {
            case EMBEDDED -> ChdbEngine.open(config.chdbLibrary(), config.dataDir(), config.poolSize());
            case SERVER -> ServerEngine.open(config.url(), config.user(), config.password(), config.database(),
                    config.poolSize(), config.cluster() != null);
        };
        try {
            Migrations.apply(engine, Schema.migrations(config.ttlDays()), config.topology());
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        return new Store(engine);
    }

    public MetricWriter writer() {
        return writer;
    }

    public MetricQueries queries() {
        return queries;
    }

    /** Per-instance reduced series of every analysis signal, for the leak analysis. */
    public SignalQueries signals() {
        return signals;
    }

    /** Writes parsed JFR snapshots (old-object samples, allocation samples, GC summaries, stacks). */
    public JfrWriter jfrWriter() {
        return jfrWriter;
    }

    /** JFR attribution: which classes grow, where they are allocated, what holds them. */
    public JfrQueries jfrQueries() {
        return jfrQueries;
    }

    public ClickHouseEngine engine() {
        return engine;
    }

    /** True when the engine answers. For readiness probes. */
    public boolean ready() {
        return engine.ping();
    }

    @Override
    public void close() {
        engine.close();
    }
}
