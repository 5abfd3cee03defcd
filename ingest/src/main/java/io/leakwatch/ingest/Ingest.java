package io.leakwatch.ingest;

import io.leakwatch.store.MetricWriter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BooleanSupplier;

/**
 * The one place that wires ingest: the OTLP/HTTP receiver always, the Kafka consumer when
 * {@link IngestConfig.KafkaConfig#enabled()}. Readiness is the store's readiness; with Kafka configured
 * it also needs the consumer to have joined its group (owning partitions is not required: with more
 * replicas than partitions some replicas rightly own none, and they still serve OTLP/HTTP).
 */
public final class Ingest implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Ingest.class);

    private final OtlpHttpReceiver receiver;
    private final KafkaMetricsConsumer kafka;
    private final int httpPort;

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
        OtlpMetricsDecoder decoder = new OtlpMetricsDecoder(config.limits());
        KafkaMetricsConsumer[] kafka = new KafkaMetricsConsumer[1];
        BooleanSupplier ready = () -> storeReady.getAsBoolean() && (kafka[0] == null || kafka[0].joinedGroup());
        OtlpHttpReceiver receiver = new OtlpHttpReceiver(vertx, config.http(), decoder, writer, ready);
        return receiver.listen()
                .map(port -> {
                    if (config.kafka().enabled()) {
                        kafka[0] = KafkaMetricsConsumer.start(config.kafka(), decoder, writer);
                    } else {
                        LOG.info("No Kafka brokers configured: OTLP/HTTP only");
                    }
                    return new Ingest(receiver, kafka[0], port);
                })
                .recover(e -> receiver.close().transform(x -> Future.failedFuture(e)));
    }

    /** The bound OTLP/HTTP port (useful when configured as 0). */
    public int httpPort() {
        return httpPort;
    }

    /** The Kafka consumer, or null when Kafka is not configured. */
    public KafkaMetricsConsumer kafkaConsumer() {
        return kafka;
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
        try {
            receiver.close().toCompletionStage().toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.warn("OTLP/HTTP receiver close: {}", e.getCause().getMessage());
        }
    }
}
