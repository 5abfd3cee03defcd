package io.leakwatch.store;

import java.util.ArrayList;
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

    /**
     * Does the part of writing that needs no store (e.g. encoding) on the calling thread, ahead of {@link #write}:
     * ingest calls it on the threads that decode, in parallel. What it returns is the same rows, and {@link #write}
     * and {@link #join} take it in their place. By default it does nothing.
     */
    default List<MetricRow> prepare(List<MetricRow> rows) {
        return rows;
    }

    /** The parts (each as {@link #prepare} returned it) as one list of rows, in order, for one {@link #write}. */
    default List<MetricRow> join(List<? extends List<MetricRow>> parts) {
        List<MetricRow> all = new ArrayList<>(parts.stream().mapToInt(List::size).sum());
        parts.forEach(all::addAll);
        return all;
    }
}
