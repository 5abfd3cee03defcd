package io.leakwatch.ingest.jfr;

import io.leakwatch.store.jfr.JfrSnapshotRows;

import java.util.List;

/**
 * Where decoded JFR snapshots go: the store's {@link io.leakwatch.store.jfr.JfrWriter} in production
 * ({@code jfrWriter::write}), an in-memory list in unit tests. A non-null token makes a replay a no-op.
 */
@FunctionalInterface
public interface JfrSnapshotSink {
    void write(List<JfrSnapshotRows> snapshots, String dedupToken);
}
