package io.leakwatch.store;

import java.util.List;

/**
 * Writes batches of metric rows. Blocking: call it from a worker thread, never an event loop.
 *
 * <p>Idempotency: a batch written twice with the same non-null {@code dedupToken} is stored once
 * (ClickHouse insert deduplication). Ingest derives the token from the source's offsets.
 */
public interface MetricWriter {

    /**
     * Inserts the rows as one insert.
     *
     * @param rows       rows to insert; empty is a no-op
     * @param dedupToken insert deduplication token, or null for none
     * @throws StoreException when the insert failed; {@link StoreException#retryable()} says whether
     *                        trying again may succeed
     */
    void write(List<MetricRow> rows, String dedupToken);
}
