package io.leakwatch.store.engine;

import java.util.List;
import java.util.Map;

/**
 * One way to run LeakWatch's SQL against ClickHouse: in-process (chDB) or a server over HTTP. Every
 * statement is the same text in both modes: values travel as ClickHouse query parameters
 * ({@code {name:Type}} placeholders) and are never concatenated into SQL.
 *
 * <p>Blocking and thread-safe: call from worker threads, never an event loop. Failures surface as
 * {@link io.leakwatch.store.StoreException} carrying the engine's message.
 */
public interface ClickHouseEngine extends AutoCloseable {

    /** Runs a statement that returns no rows (DDL, INSERT … SELECT). {@code params} are bound to placeholders. */
    void execute(String sql, Map<String, ?> params);

    /**
     * Runs a query and returns the raw response body in {@code format} (e.g. {@code JSONEachRow},
     * {@code JSONCompact}, {@code TabSeparated}). The SQL must not carry its own FORMAT clause.
     */
    byte[] query(String sql, Map<String, ?> params, String format);

    /**
     * Inserts already-encoded rows into {@code table}. {@code columns} name the encoded columns in
     * order; {@code dedupToken}, when not null, makes a replay of the same data a no-op (needs
     * {@code non_replicated_deduplication_window} on plain MergeTree tables).
     *
     * @return rows written as reported by the engine (includes rows written by materialized views), or -1
     *         when the engine does not say
     */
    default long insert(String table, List<String> columns, String format, byte[] data, String dedupToken) {
        return insert(table, columns, format, data, dedupToken, Map.of());
    }

    /**
     * {@link #insert(String, List, String, byte[], String)} with extra server settings for this insert, e.g.
     * {@code optimize_on_insert = 0}. Names must be identifiers and values plain tokens: both engines apply
     * them the same way (the embedded one in the statement's SETTINGS clause).
     */
    long insert(String table, List<String> columns, String format, byte[] data, String dedupToken,
                Map<String, String> settings);

    /** True when the engine answers a trivial query. Never throws. */
    boolean ping();

    /** "embedded" or "server". */
    String mode();

    /** Releases the engine. Idempotent. */
    @Override
    void close();
}
