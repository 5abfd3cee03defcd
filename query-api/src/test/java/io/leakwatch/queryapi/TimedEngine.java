package io.leakwatch.queryapi;

import io.leakwatch.store.engine.ClickHouseEngine;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link ClickHouseEngine} that adds up the time spent inside the engine, for benchmarks' cost splits. */
final class TimedEngine implements ClickHouseEngine {
    private final ClickHouseEngine engine;
    private final AtomicLong nanos = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    TimedEngine(ClickHouseEngine engine) {
        this.engine = engine;
    }

    /** Engine time since the last call, in ms, and resets it. */
    long takeMillis() {
        return nanos.getAndSet(0) / 1_000_000;
    }

    /** Result bytes since the last call, and resets them. */
    long takeBytes() {
        return bytes.getAndSet(0);
    }

    @Override
    public void execute(String sql, Map<String, ?> params) {
        long t0 = System.nanoTime();
        try {
            engine.execute(sql, params);
        } finally {
            nanos.addAndGet(System.nanoTime() - t0);
        }
    }

    @Override
    public byte[] query(String sql, Map<String, ?> params, String format) {
        long t0 = System.nanoTime();
        try {
            byte[] out = engine.query(sql, params, format);
            bytes.addAndGet(out.length);
            return out;
        } finally {
            long n = System.nanoTime() - t0;
            nanos.addAndGet(n);
            if (Boolean.getBoolean("leakwatch.bench.trace")) {
                System.out.printf("  engine %,d ms: %s%n", n / 1_000_000, sql.strip().lines().findFirst().orElse(""));
            }
        }
    }

    @Override
    public long insert(String table, List<String> columns, String format, byte[] data, String dedupToken,
                       Map<String, String> settings) {
        return engine.insert(table, columns, format, data, dedupToken, settings);
    }

    @Override
    public boolean ping() {
        return engine.ping();
    }

    @Override
    public String mode() {
        return engine.mode();
    }

    @Override
    public void close() {
        // the store owns the engine
    }
}
