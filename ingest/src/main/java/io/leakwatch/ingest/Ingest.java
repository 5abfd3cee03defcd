package io.leakwatch.ingest;

import io.leakwatch.ingest.jfr.JfrHttpReceiver;
import io.leakwatch.ingest.jfr.JfrIngestConfig;
import io.leakwatch.ingest.jfr.JfrSnapshotDecoder;
import io.leakwatch.ingest.jfr.JfrSnapshotSink;
import io.leakwatch.ingest.jfr.KafkaJfrConsumer;
import io.leakwatch.store.MetricWriter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BooleanSupplier;

/**
 * The one place that wires ingest: the OTLP/HTTP receiver always, the Kafka consumer when
 * {@link IngestConfig.KafkaConfig#enabled()}; with a JFR sink, also {@code POST /v1/jfr} on the same port and
 * (with Kafka) a consumer of the JFR topic in group {@code <groupId>.jfr}. Readiness is the store's readiness; with Kafka configured
 * it also needs the consumer to have joined its group (owning partitions is not required: with more
 * replicas than partitions some replicas rightly own none, and they still serve OTLP/HTTP).
 */
public final class Ingest implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Ingest.class);

    private final OtlpHttpReceiver receiver;
    private final KafkaMetricsConsumer kafka;
    private final int httpPort;
    private volatile KafkaJfrConsumer jfrKafka; // null without Kafka or without a JFR sink
    private volatile JfrHttpReceiver jfrHttp; // null without a JFR sink

    private Ingest(OtlpHttpReceiver receiver, KafkaMetricsConsumer kafka, int httpPort) {
        this.receiver = receiver;
        this.kafka = kafka;
        this.httpPort = httpPort;
    }

    /**
     * Starts ingest; completes once the HTTP port is bound (the Kafka consumer connects in the background).
     *
     * @param storeReady whether the store is reachable; called on a worker thread
     */
    public static Future<Ingest> start(Vertx vertx, IngestConfig config, MetricWriter writer, BooleanSupplier storeReady) {
        return start(vertx, config, writer, storeReady, null, null);
    }

    /**
     * As {@link #start(Vertx, IngestConfig, MetricWriter, BooleanSupplier)}, plus JFR snapshots over
     * {@code POST /v1/jfr} on the same port when {@code jfrSink} is not null (e.g. {@code new JfrWriter(engine)::write}).
     *
     * @param jfrConfig bounds of JFR ingest; null for {@link JfrIngestConfig#defaults()}
     */
    public static Future<Ingest> start(Vertx vertx, IngestConfig config, MetricWriter writer, BooleanSupplier storeReady,
                                       JfrSnapshotSink jfrSink, JfrIngestConfig jfrConfig) {
        return start(vertx, config, writer, storeReady, jfrSink, jfrConfig, IngestTelemetry.noop());
    }

    /**
     * As {@link #start(Vertx, IngestConfig, MetricWriter, BooleanSupplier, JfrSnapshotSink, JfrIngestConfig)},
     * with every part reporting its own metrics to {@code telemetry} (e.g.
     * {@code IngestTelemetry.create(sdkMeterProvider)}); the caller owns the meter provider and its export.
     */
    public static Future<Ingest> start(Vertx vertx, IngestConfig config, MetricWriter writer, BooleanSupplier storeReady,
                                       JfrSnapshotSink jfrSink, JfrIngestConfig jfrConfig, IngestTelemetry telemetry) {
        OtlpMetricsDecoder decoder = new OtlpMetricsDecoder(config.limits());
        KafkaMetricsConsumer[] kafka = new KafkaMetricsConsumer[1];
        KafkaJfrConsumer[] jfrKafka = new KafkaJfrConsumer[1];
        BooleanSupplier ready = () -> storeReady.getAsBoolean() && (kafka[0] == null || kafka[0].joinedGroup())
                && (jfrKafka[0] == null || jfrKafka[0].joinedGroup());
        OtlpHttpReceiver receiver = new OtlpHttpReceiver(vertx, config.http(), decoder, writer, ready, telemetry);
        JfrSnapshotDecoder jfrDecoder = jfrSink == null ? null
                : new JfrSnapshotDecoder(jfrConfig == null ? JfrIngestConfig.defaults() : jfrConfig);
        JfrHttpReceiver jfrHttp = jfrSink == null ? null : new JfrHttpReceiver(vertx, jfrDecoder, jfrSink, telemetry);
        if (jfrHttp != null) {
            receiver.mount(jfrHttp::mount);
        }
        return receiver.listen()
                .map(port -> {
                    if (config.kafka().enabled()) {
                        kafka[0] = KafkaMetricsConsumer.start(config.kafka(), decoder, writer, telemetry);
                        if (jfrSink != null) {
                            jfrKafka[0] = KafkaJfrConsumer.start(config.kafka(), jfrDecoder, jfrSink, telemetry);
                        }
                    } else {
                        LOG.info("No Kafka brokers configured: OTLP/HTTP only");
                    }
                    Ingest ingest = new Ingest(receiver, kafka[0], port);
                    ingest.jfrKafka = jfrKafka[0];
                    ingest.jfrHttp = jfrHttp;
                    return ingest;
                })
                .recover(e -> {
                    if (jfrHttp != null) {
                        jfrHttp.close();
                    }
                    return receiver.close().transform(x -> Future.failedFuture(e));
                });
    }

    /** The bound OTLP/HTTP port (useful when configured as 0). */
    public int httpPort() {
        return httpPort;
    }

    /** The Kafka consumer, or null when Kafka is not configured. */
    public KafkaMetricsConsumer kafkaConsumer() {
        return kafka;
    }

    /** The Kafka consumer of JFR snapshots, or null when Kafka or JFR ingest is not configured. */
    public KafkaJfrConsumer jfrKafkaConsumer() {
        return jfrKafka;
    }

    public OtlpHttpReceiver httpReceiver() {
        return receiver;
    }

    /** Stops the Kafka consumer (blocking, bounded by its close timeout) and the HTTP server. */
    @Override
    public void close() {
        if (kafka != null) {
            kafka.close();
        }
        KafkaJfrConsumer jfr = jfrKafka;
        if (jfr != null) {
            jfr.close();
        }
        JfrHttpReceiver http = jfrHttp;
        if (http != null) {
            http.close();
        }
        try {
            receiver.close().toCompletionStage().toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.warn("OTLP/HTTP receiver close: {}", e.getCause().getMessage());
        }
    }
}
