package io.leakwatch.collector.export;

import io.leakwatch.collector.config.CollectorConfig;
import io.opentelemetry.exporter.internal.otlp.metrics.MetricsRequestMarshaler;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends each batch of metrics as one OTLP {@code ExportMetricsServiceRequest} protobuf record to
 * Kafka (by default topic {@code leakwatch.metrics}), keyed by {@code service.instance.id} so one
 * instance's points stay in order on one partition. The bytes are written by the OpenTelemetry OTLP
 * exporter's own marshaler, so the payload is exactly what the OTel Collector's Kafka exporter
 * ({@code otlp_proto}) writes.
 *
 * <p>The producer is idempotent, gzip-compressed (no native library), has a small buffer, and waits at
 * most {@value #MAX_BLOCK_MS} ms for metadata or buffer space, on the collector's own thread.
 */
public final class KafkaMetricExporter implements MetricExporter {
    static final int MAX_BLOCK_MS = 2000;
    static final int BUFFER_BYTES = 4 * 1024 * 1024;

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final byte[] key;
    private final Duration closeTimeout;
    private final AtomicBoolean shutdown = new AtomicBoolean();

    KafkaMetricExporter(Producer<byte[], byte[]> producer, String topic, String instanceId, Duration closeTimeout) {
        this.producer = producer;
        this.topic = topic;
        this.key = instanceId.getBytes(StandardCharsets.UTF_8);
        this.closeTimeout = closeTimeout;
    }

    /** A producer for {@code config}'s brokers and topic; does not connect until the first export. */
    public static KafkaMetricExporter create(CollectorConfig config) {
        Properties p = producerProperties(config);
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        // Kafka loads configured classes through the context loader; the host's may not see the agent's.
        current.setContextClassLoader(KafkaMetricExporter.class.getClassLoader());
        try {
            Producer<byte[], byte[]> producer =
                    new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
            return new KafkaMetricExporter(producer, config.kafkaTopic(), config.instanceId(), config.shutdownTimeout());
        } finally {
            current.setContextClassLoader(previous);
        }
    }

    /** The producer's settings: ours, plus the configured security settings ({@link KafkaClientSecurity}). */
    static Properties producerProperties(CollectorConfig config) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "leakwatch-collector-" + abbreviated(config.instanceId()));
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "gzip");
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(BUFFER_BYTES));
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(MAX_BLOCK_MS));
        int requestTimeoutMs = (int) Math.max(1000, config.exportTimeout().toMillis());
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(requestTimeoutMs));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(Math.max(30_000, requestTimeoutMs + 1000)));
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "10000");
        p.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "10000");
        // Keep the producer out of the host's JMX and off KIP-714 metrics push.
        p.put(ProducerConfig.METRIC_REPORTER_CLASSES_CONFIG, "");
        p.put(ProducerConfig.ENABLE_METRICS_PUSH_CONFIG, "false");
        KafkaClientSecurity.apply(p, config.kafkaSecurity());
        return p;
    }

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
        if (shutdown.get()) {
            return CompletableResultCode.ofFailure();
        }
        CompletableResultCode result = new CompletableResultCode();
        try {
            producer.send(new ProducerRecord<>(topic, key, serialize(metrics)), (metadata, error) -> {
                if (error == null) {
                    result.succeed();
                } else {
                    result.failExceptionally(error);
                }
            });
        } catch (Throwable e) {
            result.failExceptionally(e);
        }
        return result;
    }

    /** The OTLP protobuf bytes of one {@code ExportMetricsServiceRequest}. */
    static byte[] serialize(Collection<MetricData> metrics) throws java.io.IOException {
        MetricsRequestMarshaler request = MetricsRequestMarshaler.create(metrics);
        ByteArrayOutputStream out = new ByteArrayOutputStream(request.getBinarySerializedSize());
        request.writeBinaryTo(out);
        return out.toByteArray();
    }

    /** Each export's own result already says when its record was acknowledged. */
    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        if (shutdown.compareAndSet(false, true)) {
            try {
                producer.close(closeTimeout);
            } catch (Throwable e) {
                return CompletableResultCode.ofExceptionalFailure(e);
            }
        }
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
        return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public MemoryMode getMemoryMode() {
        return MemoryMode.IMMUTABLE_DATA;
    }

    @Override
    public String toString() {
        return "Kafka topic " + topic;
    }

    private static String abbreviated(String id) {
        String safe = id.replaceAll("[^A-Za-z0-9._-]", "_");
        return safe.length() > 64 ? safe.substring(0, 64) : safe;
    }
}
