package io.leakwatch.collector.jfr;

import io.leakwatch.collector.config.CollectorConfig;
import io.leakwatch.collector.export.KafkaClientSecurity;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces envelopes to the JFR topic (default {@code leakwatch.jfr}), keyed by {@code service.instance.id}.
 * A producer of its own, set up like the metrics one (idempotent, acks=all, no JMX, no metrics push), but with
 * {@code max.request.size} raised to fit the largest recording; it is not compressed again (the payload is
 * gzip already). The configured security settings apply to it as to the metrics producer.
 */
public final class KafkaJfrSender implements JfrSender {
    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final byte[] key;
    private final Duration timeout;

    private KafkaJfrSender(Producer<byte[], byte[]> producer, String topic, String instanceId, Duration timeout) {
        this.producer = producer;
        this.topic = topic;
        this.key = instanceId.getBytes(StandardCharsets.UTF_8);
        this.timeout = timeout;
    }

    public static KafkaJfrSender create(CollectorConfig config) {
        int maxRequest = config.jfr().maxBytes() + 64 * 1024; // the envelope's header and the record's overhead
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "leakwatch-collector-jfr");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(maxRequest));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(Math.max(maxRequest * 2L, 4L * 1024 * 1024)));
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(64 * 1024));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "2000");
        int requestTimeoutMs = (int) Math.max(1000, config.exportTimeout().toMillis());
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(requestTimeoutMs));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(Math.max(30_000, requestTimeoutMs + 1000)));
        p.put(ProducerConfig.METRIC_REPORTER_CLASSES_CONFIG, "");
        p.put(ProducerConfig.ENABLE_METRICS_PUSH_CONFIG, "false");
        KafkaClientSecurity.apply(p, config.kafkaSecurity());
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        current.setContextClassLoader(KafkaJfrSender.class.getClassLoader());
        try {
            return new KafkaJfrSender(new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer()),
                    config.jfr().kafkaTopic(), config.instanceId(), Duration.ofMillis(requestTimeoutMs + 3000L));
        } finally {
            current.setContextClassLoader(previous);
        }
    }

    @Override
    public void send(byte[] envelope) throws Exception {
        try {
            producer.send(new ProducerRecord<>(topic, key, envelope)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            // Kafka marks what may succeed later; anything else (record too large, not authorised) never will
            if (cause instanceof ApiException && !(cause instanceof RetriableException)) {
                throw new RejectedException(cause.getClass().getSimpleName() + ": " + cause.getMessage());
            }
            throw e;
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(1));
    }

    @Override
    public String toString() {
        return "Kafka topic " + topic;
    }
}
