package io.leakwatch.collector.metrics;

import io.leakwatch.collector.export.QueueingExporter;
import io.opentelemetry.api.metrics.Meter;
import java.util.List;

/**
 * The collector's own health, exported with the JVM's signals: snapshots dropped because the export
 * queue was full ({@code leakwatch.collector.snapshots.dropped}) and snapshots delivered
 * ({@code leakwatch.collector.snapshots.exported}). A gap in a series is then told apart from a JVM that
 * stopped: the dropped count arrives with the first export that gets through.
 */
public final class CollectorSelfMetrics {
    private CollectorSelfMetrics() {}

    public static List<AutoCloseable> registerObservers(Meter meter, QueueingExporter queue) {
        return List.of(
                meter.counterBuilder("leakwatch.collector.snapshots.dropped")
                        .setDescription("Metric snapshots dropped because the export queue was full.")
                        .setUnit("{snapshot}")
                        .buildWithCallback(m -> m.record(queue.droppedSnapshots())),
                meter.counterBuilder("leakwatch.collector.snapshots.exported")
                        .setDescription("Metric snapshots the exporter delivered.")
                        .setUnit("{snapshot}")
                        .buildWithCallback(m -> m.record(queue.exportedSnapshots())));
    }
}
