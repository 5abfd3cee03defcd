package io.leakwatch.ingest;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.metrics.ObservableLongGauge;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ingest's own telemetry, recorded through the OpenTelemetry metrics API: what came in, what was
 * stored, how big and how slow the inserts were, how far the Kafka consumers lag, and what was refused
 * or dead-lettered.
 *
 * <p>Promises: every instrument is created once, here; every attribute set that a hot path uses is
 * built once ({@link Source}); recording never throws and costs no allocation beyond the SDK's own. The
 * class does not touch {@code GlobalOpenTelemetry}: the process that embeds ingest hands in a
 * {@link MeterProvider} (typically an {@code SdkMeterProvider} with an exporter or a Prometheus reader)
 * through {@link #create(MeterProvider)}, and without one {@link #noop()} records nothing.
 *
 * <p>Instruments (all under {@value #PREFIX}, attribute {@code leakwatch.ingest.source} =
 * {@code kafka.metrics} / {@code kafka.jfr} / {@code http.metrics} / {@code http.jfr}):
 * <ul>
 *   <li>{@code records} — Kafka records or HTTP requests received (before decoding);</li>
 *   <li>{@code rows} — rows confirmed written by the store (for JFR: snapshots' rows);</li>
 *   <li>{@code batch.size} — rows per insert (histogram);</li>
 *   <li>{@code insert.duration} — seconds per insert call, attribute {@code outcome} = ok / error;</li>
 *   <li>{@code consumer.lag} — gauge per {@code messaging.destination.name} and
 *   {@code messaging.destination.partition.id}: records between the consumer's position and the end of
 *   the partition, as last seen by the client (no extra broker round trip);</li>
 *   <li>{@code dlq.records} — records sent to the dead-letter topic;</li>
 *   <li>{@code points.rejected} — OTLP data points refused (partial success);</li>
 *   <li>{@code requests.throttled} — OTLP/HTTP requests answered 429 because the write batcher had too many
 *   rows waiting (or was shutting down): the sender retries later, so a steady count means ingest is saturated;</li>
 *   <li>{@code store.retries} — inserts retried after a retryable store error;</li>
 *   <li>{@code jfr.snapshots} — JFR snapshots, attribute {@code outcome} = stored / rejected.</li>
 * </ul>
 */
public final class IngestTelemetry {
    public static final String INSTRUMENTATION_SCOPE = "io.leakwatch.ingest";
    public static final String PREFIX = "leakwatch.ingest.";
    public static final AttributeKey<String> SOURCE = AttributeKey.stringKey("leakwatch.ingest.source");
    public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");
    public static final AttributeKey<String> TOPIC = AttributeKey.stringKey("messaging.destination.name");
    public static final AttributeKey<String> PARTITION = AttributeKey.stringKey("messaging.destination.partition.id");

    /** Where data entered ingest; each carries its prebuilt attribute sets. */
    public enum Source {
        KAFKA_METRICS("kafka.metrics"),
        KAFKA_JFR("kafka.jfr"),
        HTTP_METRICS("http.metrics"),
        HTTP_JFR("http.jfr");

        private final String value;
        final Attributes attributes;
        final Attributes ok;
        final Attributes error;
        final Attributes stored;
        final Attributes rejected;

        Source(String value) {
            this.value = value;
            this.attributes = Attributes.of(SOURCE, value);
            this.ok = Attributes.of(SOURCE, value, OUTCOME, "ok");
            this.error = Attributes.of(SOURCE, value, OUTCOME, "error");
            this.stored = Attributes.of(SOURCE, value, OUTCOME, "stored");
            this.rejected = Attributes.of(SOURCE, value, OUTCOME, "rejected");
        }

        public String value() {
            return value;
        }
    }

    private static final IngestTelemetry NOOP = new IngestTelemetry(MeterProvider.noop().get(INSTRUMENTATION_SCOPE));

    private final LongCounter records;
    private final LongCounter rows;
    private final LongHistogram batchSize;
    private final DoubleHistogram insertDuration;
    private final LongCounter deadLetters;
    private final LongCounter pointsRejected;
    private final LongCounter storeRetries;
    private final LongCounter requestsThrottled;
    private final LongCounter jfrSnapshots;
    private final ObservableLongGauge lagGauge;
    /** Last lag seen per partition, with its attributes; written by consumer threads, read at collection. */
    private final Map<String, Lag> lags = new ConcurrentHashMap<>();

    /** Instruments on {@code meter}; create one instance per process and share it. */
    public IngestTelemetry(Meter meter) {
        records = meter.counterBuilder(PREFIX + "records").setUnit("{record}")
                .setDescription("Kafka records or HTTP requests received, before decoding").build();
        rows = meter.counterBuilder(PREFIX + "rows").setUnit("{row}")
                .setDescription("Rows confirmed written by the store").build();
        batchSize = meter.histogramBuilder(PREFIX + "batch.size").ofLongs().setUnit("{row}")
                .setDescription("Rows per insert")
                .setExplicitBucketBoundariesAdvice(List.of(1L, 10L, 100L, 1_000L, 5_000L, 10_000L, 50_000L, 100_000L))
                .build();
        insertDuration = meter.histogramBuilder(PREFIX + "insert.duration").setUnit("s")
                .setDescription("Duration of one insert call into the store")
                .setExplicitBucketBoundariesAdvice(List.of(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
                .build();
        deadLetters = meter.counterBuilder(PREFIX + "dlq.records").setUnit("{record}")
                .setDescription("Records sent to the dead-letter topic").build();
        pointsRejected = meter.counterBuilder(PREFIX + "points.rejected").setUnit("{point}")
                .setDescription("OTLP data points refused (partial success)").build();
        storeRetries = meter.counterBuilder(PREFIX + "store.retries").setUnit("{insert}")
                .setDescription("Inserts retried after a retryable store error").build();
        requestsThrottled = meter.counterBuilder(PREFIX + "requests.throttled").setUnit("{request}")
                .setDescription("OTLP/HTTP requests refused with 429: too many rows waiting to be stored").build();
        jfrSnapshots = meter.counterBuilder(PREFIX + "jfr.snapshots").setUnit("{snapshot}")
                .setDescription("JFR snapshots stored or rejected").build();
        lagGauge = meter.gaugeBuilder(PREFIX + "consumer.lag").ofLongs().setUnit("{record}")
                .setDescription("Records between the consumer position and the end of the partition")
                .buildWithCallback(m -> lags.values().forEach(l -> m.record(l.value, l.attributes)));
    }

    /** Records nothing; the default when the embedding process wires no meter provider. */
    public static IngestTelemetry noop() {
        return NOOP;
    }

    /** Instruments on {@code provider}'s meter for scope {@value #INSTRUMENTATION_SCOPE}. */
    public static IngestTelemetry create(MeterProvider provider) {
        return new IngestTelemetry(provider.get(INSTRUMENTATION_SCOPE));
    }

    public void recordsReceived(Source source, long n) {
        if (n > 0) {
            records.add(n, source.attributes);
        }
    }

    /** One insert call that succeeded: its size and how long it took. */
    public void inserted(Source source, long rowCount, long durationNanos) {
        rows.add(rowCount, source.attributes);
        batchSize.record(rowCount, source.attributes);
        insertDuration.record(durationNanos / 1e9, source.ok);
    }

    /** One insert call that failed (retryable or not): only its duration. */
    public void insertFailed(Source source, long durationNanos) {
        insertDuration.record(durationNanos / 1e9, source.error);
    }

    public void deadLettered(Source source, long n) {
        if (n > 0) {
            deadLetters.add(n, source.attributes);
        }
    }

    public void pointsRejected(Source source, long n) {
        if (n > 0) {
            pointsRejected.add(n, source.attributes);
        }
    }

    public void storeRetry(Source source) {
        storeRetries.add(1, source.attributes);
    }

    /** One request refused with 429 by the write batcher (back-pressure, not an error of the sender). */
    public void requestThrottled(Source source) {
        requestsThrottled.add(1, source.attributes);
    }

    public void jfrSnapshots(Source source, long n, boolean stored) {
        if (n > 0) {
            jfrSnapshots.add(n, stored ? source.stored : source.rejected);
        }
    }

    /** The latest lag of one partition; negative or unknown values are not reported. */
    public void lag(String topic, int partition, long lag) {
        if (lag < 0) {
            return;
        }
        String key = topic + "\u0000" + partition;
        Lag l = lags.get(key);
        if (l == null) {
            l = lags.computeIfAbsent(key, k -> new Lag(Attributes.of(TOPIC, topic, PARTITION, Integer.toString(partition))));
        }
        l.value = lag;
    }

    /** Stops reporting a partition's lag (it was revoked: its new owner reports it). */
    public void forgetLag(String topic, int partition) {
        lags.remove(topic + "\u0000" + partition);
    }

    /** Unregisters the gauge callback; the counters stay with the meter provider. */
    public void close() {
        lagGauge.close();
        lags.clear();
    }

    private static final class Lag {
        final Attributes attributes;
        volatile long value;

        Lag(Attributes attributes) {
            this.attributes = attributes;
        }
    }
}
