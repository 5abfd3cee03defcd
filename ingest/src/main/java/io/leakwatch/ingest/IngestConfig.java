package io.leakwatch.ingest;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything the ingest service can be told, validated once at construction. {@link #defaults()} works
 * as is for a standalone run: OTLP/HTTP on 0.0.0.0:4318 and no Kafka consumer.
 *
 * @param http   the OTLP/HTTP receiver
 * @param kafka  the Kafka consumer; it runs only when {@link KafkaConfig#enabled()}
 * @param limits bounds on one OTLP payload, shared by both inputs, and the retention beyond which points are
 *               refused (see {@link DecodeLimits#retention()})
 */
public record IngestConfig(HttpConfig http, KafkaConfig kafka, DecodeLimits limits) {

    public IngestConfig {
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(limits, "limits");
        if ((long) http.maxRequestBytes() > limits.maxPayloadBytes()) {
            throw new IllegalArgumentException("http.maxRequestBytes (" + http.maxRequestBytes()
                    + ") must not exceed limits.maxPayloadBytes (" + limits.maxPayloadBytes()
                    + "): an uncompressed body that passes the receiver would then be refused by the decoder");
        }
    }

    /** Records of one Kafka partition per insert at most ({@link KafkaConfig#batchMaxRecords()}). */
    public static final String ENV_KAFKA_BATCH_MAX_RECORDS = "LEAKWATCH_KAFKA_BATCH_MAX_RECORDS";
    /** Longest wait of a partition's oldest buffered record ({@link KafkaConfig#batchMaxDelay()}), e.g. {@code 500ms}. */
    public static final String ENV_KAFKA_BATCH_MAX_DELAY = "LEAKWATCH_KAFKA_BATCH_MAX_DELAY";
    /** Rows of concurrent OTLP/HTTP requests per insert at most ({@link HttpConfig#batchMaxRows()}). */
    public static final String ENV_OTLP_BATCH_MAX_ROWS = "LEAKWATCH_OTLP_BATCH_MAX_ROWS";
    /** Longest wait of the oldest OTLP/HTTP request for its insert ({@link HttpConfig#batchMaxDelay()}), e.g. {@code 200ms}. */
    public static final String ENV_OTLP_BATCH_MAX_DELAY = "LEAKWATCH_OTLP_BATCH_MAX_DELAY";
    /** OTLP/HTTP rows waiting or being inserted at most; beyond, 429 ({@link HttpConfig#maxPendingRows()}). */
    public static final String ENV_OTLP_MAX_PENDING_ROWS = "LEAKWATCH_OTLP_MAX_PENDING_ROWS";

    public static IngestConfig defaults() {
        return new IngestConfig(HttpConfig.defaults(), KafkaConfig.disabled(), DecodeLimits.defaults());
    }

    /**
     * This config with the batching settings found in {@code env} ({@code ENV_*} keys; a blank or missing key keeps
     * the current value). Durations are a whole number with {@code ms}, {@code s} or {@code m}. A bad value is
     * refused with an {@link IllegalArgumentException} that names the key: ingest then does not start, rather
     * than run with batching nobody asked for.
     */
    public IngestConfig withEnv(Map<String, String> env) {
        int kafkaRecords = integer(env, ENV_KAFKA_BATCH_MAX_RECORDS, kafka.batchMaxRecords());
        Duration kafkaDelay = duration(env, ENV_KAFKA_BATCH_MAX_DELAY, kafka.batchMaxDelay());
        int httpRows = integer(env, ENV_OTLP_BATCH_MAX_ROWS, http.batchMaxRows());
        Duration httpDelay = duration(env, ENV_OTLP_BATCH_MAX_DELAY, http.batchMaxDelay());
        int httpPending = integer(env, ENV_OTLP_MAX_PENDING_ROWS, http.maxPendingRows());
        KafkaConfig k;
        try {
            k = kafka.withBatching(kafkaRecords, kafkaDelay);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ENV_KAFKA_BATCH_MAX_RECORDS + " / " + ENV_KAFKA_BATCH_MAX_DELAY + ": "
                    + e.getMessage(), e);
        }
        HttpConfig h;
        try {
            h = http.withBatching(httpRows, httpDelay, httpPending);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ENV_OTLP_BATCH_MAX_ROWS + " / " + ENV_OTLP_BATCH_MAX_DELAY + " / "
                    + ENV_OTLP_MAX_PENDING_ROWS + ": " + e.getMessage(), e);
        }
        return new IngestConfig(h, k, limits);
    }

    private static int integer(Map<String, String> env, String key, int current) {
        String v = env.get(key);
        if (v == null || v.isBlank()) {
            return current;
        }
        try {
            return Integer.parseInt(v.strip().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, was '" + v + "'");
        }
    }

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)");

    private static Duration duration(Map<String, String> env, String key, Duration current) {
        String v = env.get(key);
        if (v == null || v.isBlank()) {
            return current;
        }
        java.util.regex.Matcher m = DURATION.matcher(v.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException(key + " must be a duration such as 500ms, 2s or 1m, was '" + v + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            default -> Duration.ofMinutes(n);
        };
    }

    public IngestConfig withHttp(HttpConfig http) {
        return new IngestConfig(http, kafka, limits);
    }

    public IngestConfig withKafka(KafkaConfig kafka) {
        return new IngestConfig(http, kafka, limits);
    }

    public IngestConfig withLimits(DecodeLimits limits) {
        return new IngestConfig(http, kafka, limits);
    }

    /**
     * The OTLP/HTTP receiver.
     *
     * @param host                bind address
     * @param port                port; 0 picks a free one (tests)
     * @param maxRequestBytes     largest request body as sent (compressed or not); bigger gets 413
     * @param maxInFlightRequests requests being received or decoded at once; more get 503 with Retry-After,
     *                            which bounds the memory held by request bodies. A request waiting for its
     *                            shared insert no longer counts here: {@code maxPendingRows} bounds those
     * @param workerThreads       threads that decode (never the event loop)
     * @param retryAfter          the Retry-After sent with 503 and 429
     * @param batchMaxRows        rows of concurrent requests gathered into one insert at most; a batch is cut
     *                            when this many rows wait ...
     * @param batchMaxDelay       ... or when the oldest waiting request has waited this long (0: whenever the
     *                            writer is free). Each request waits for its insert before its 200, so this
     *                            adds at most this much to a request's latency
     * @param maxPendingRows      rows waiting for or in an insert at most; a request that would exceed it gets
     *                            429 with Retry-After instead of queueing. Must be >= {@code batchMaxRows}
     */
    public record HttpConfig(String host, int port, int maxRequestBytes, int maxInFlightRequests,
                             int workerThreads, Duration retryAfter, int batchMaxRows, Duration batchMaxDelay,
                             int maxPendingRows) {
        public static final int DEFAULT_PORT = 4318;
        public static final int DEFAULT_MAX_REQUEST_BYTES = 8 * 1024 * 1024;
        /** About 600 agent exports of 33 points in one insert. */
        public static final int DEFAULT_BATCH_MAX_ROWS = 20_000;
        public static final Duration DEFAULT_BATCH_MAX_DELAY = Duration.ofMillis(200);
        /** Five full batches; in the order of 100 MB of decoded rows. */
        public static final int DEFAULT_MAX_PENDING_ROWS = 100_000;

        public HttpConfig {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("http.host must not be blank");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("http.port must be 0..65535, was " + port);
            }
            if (maxRequestBytes <= 0) {
                throw new IllegalArgumentException("http.maxRequestBytes must be > 0, was " + maxRequestBytes);
            }
            if (maxInFlightRequests <= 0) {
                throw new IllegalArgumentException("http.maxInFlightRequests must be > 0, was " + maxInFlightRequests);
            }
            if (workerThreads <= 0 || workerThreads > 256) {
                throw new IllegalArgumentException("http.workerThreads must be 1..256, was " + workerThreads);
            }
            if (retryAfter == null || retryAfter.isNegative() || retryAfter.toSeconds() < 1) {
                throw new IllegalArgumentException("http.retryAfter must be at least 1 s, was " + retryAfter);
            }
            if (batchMaxRows < 1 || batchMaxRows > 1_000_000) {
                throw new IllegalArgumentException("http.batchMaxRows must be 1..1000000, was " + batchMaxRows);
            }
            if (batchMaxDelay == null || batchMaxDelay.isNegative() || batchMaxDelay.compareTo(Duration.ofSeconds(10)) > 0) {
                throw new IllegalArgumentException("http.batchMaxDelay must be 0..10 s (senders wait for it), was "
                        + batchMaxDelay);
            }
            if (maxPendingRows < batchMaxRows) {
                throw new IllegalArgumentException("http.maxPendingRows (" + maxPendingRows
                        + ") must be >= http.batchMaxRows (" + batchMaxRows + "): a full batch could never form");
            }
        }

        /** As the canonical constructor, with the default batching. */
        public HttpConfig(String host, int port, int maxRequestBytes, int maxInFlightRequests, int workerThreads,
                          Duration retryAfter) {
            this(host, port, maxRequestBytes, maxInFlightRequests, workerThreads, retryAfter, DEFAULT_BATCH_MAX_ROWS,
                    DEFAULT_BATCH_MAX_DELAY, DEFAULT_MAX_PENDING_ROWS);
        }

        public static HttpConfig defaults() {
            return new HttpConfig("0.0.0.0", DEFAULT_PORT, DEFAULT_MAX_REQUEST_BYTES, 32, 4, Duration.ofSeconds(5));
        }

        public HttpConfig withListen(String host, int port) {
            return new HttpConfig(host, port, maxRequestBytes, maxInFlightRequests, workerThreads, retryAfter,
                    batchMaxRows, batchMaxDelay, maxPendingRows);
        }

        public HttpConfig withMaxRequestBytes(int maxRequestBytes) {
            return new HttpConfig(host, port, maxRequestBytes, maxInFlightRequests, workerThreads, retryAfter,
                    batchMaxRows, batchMaxDelay, maxPendingRows);
        }

        /** Cross-request batching: cut at {@code maxRows} rows or {@code maxDelay}; refuse beyond {@code maxPendingRows}. */
        public HttpConfig withBatching(int maxRows, Duration maxDelay, int maxPendingRows) {
            return new HttpConfig(host, port, maxRequestBytes, maxInFlightRequests, workerThreads, retryAfter,
                    maxRows, maxDelay, maxPendingRows);
        }

        public HttpConfig withMaxInFlightRequests(int maxInFlightRequests) {
            return new HttpConfig(host, port, maxRequestBytes, maxInFlightRequests, workerThreads, retryAfter,
                    batchMaxRows, batchMaxDelay, maxPendingRows);
        }
    }

    /**
     * The Kafka consumer of OTLP metrics.
     *
     * @param bootstrapServers  comma-separated host:port list; blank disables the consumer
     * @param metricsTopic      topic of OTLP protobuf records
     * @param dlqTopic          dead-letter topic
     * @param groupId           consumer group
     * @param clientProperties  passed to the Kafka clients as is (SASL, TLS, fetch tuning); may not change
     *                          what the delivery guarantee rests on (see {@link #RESERVED_PROPERTIES})
     * @param pollTimeout       longest single poll
     * @param retryInitialBackoff first wait after a retryable store error
     * @param retryMaxBackoff   cap of the exponential backoff
     * @param closeTimeout      how long stop may take
     * @param batchMaxRecords   metrics: records of one partition in one insert at most; a batch is cut when this
     *                          many are buffered ...
     * @param batchMaxDelay     ... or when the oldest buffered record has waited this long. Bigger inserts cost the
     *                          store far less per row (each makes a part in the table and in every rollup)
     */
    public record KafkaConfig(String bootstrapServers, String metricsTopic, String dlqTopic, String groupId,
                              Map<String, String> clientProperties, Duration pollTimeout,
                              Duration retryInitialBackoff, Duration retryMaxBackoff, Duration closeTimeout,
                              int batchMaxRecords, Duration batchMaxDelay) {
        public static final String DEFAULT_METRICS_TOPIC = "leakwatch.metrics";
        public static final String DEFAULT_DLQ_TOPIC = "leakwatch.dlq";
        public static final String DEFAULT_GROUP_ID = "leakwatch-ingest";
        /**
         * About 132k rows of collector exports (33 points each) per insert. Only a backlog fills a batch (live
         * traffic is cut by {@link #DEFAULT_BATCH_MAX_DELAY}), and there a partition's batch then spans more than
         * one export of each JVM, which the per-minute rollup folds, and the store makes half as many parts to
         * merge. {@code InsertCostBench}: 132k rows spanning two exports cost the engine about 40% less CPU per row
         * than the same rows in two inserts; {@code FleetIngestBench}: 12 to 20% less CPU per ingested row.
         */
        public static final int DEFAULT_BATCH_MAX_RECORDS = 4_000;
        public static final Duration DEFAULT_BATCH_MAX_DELAY = Duration.ofMillis(500);

        /** Client properties the consumer sets itself: at-least-once without duplicates depends on them. */
        public static final Set<String> RESERVED_PROPERTIES = Set.of("enable.auto.commit", "group.id",
                "bootstrap.servers", "key.deserializer", "value.deserializer", "key.serializer", "value.serializer",
                "isolation.level.override");

        private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

        public KafkaConfig {
            bootstrapServers = bootstrapServers == null ? "" : bootstrapServers.strip();
            clientProperties = Map.copyOf(clientProperties == null ? Map.of() : clientProperties);
            for (String[] topic : new String[][] {{"metricsTopic", metricsTopic}, {"dlqTopic", dlqTopic}}) {
                if (topic[1] == null || !TOPIC.matcher(topic[1]).matches()) {
                    throw new IllegalArgumentException("kafka." + topic[0] + " is not a valid topic name: " + topic[1]);
                }
            }
            if (Objects.equals(metricsTopic, dlqTopic)) {
                throw new IllegalArgumentException("kafka.dlqTopic must differ from kafka.metricsTopic ("
                        + metricsTopic + "): dead letters would be consumed again");
            }
            if (groupId == null || groupId.isBlank()) {
                throw new IllegalArgumentException("kafka.groupId must not be blank");
            }
            for (String key : clientProperties.keySet()) {
                if (RESERVED_PROPERTIES.contains(key)) {
                    throw new IllegalArgumentException("kafka client property '" + key
                            + "' is set by LeakWatch itself (offsets are committed only after the insert succeeded)"
                            + "; use the dedicated setting or remove it");
                }
            }
            requirePositive("pollTimeout", pollTimeout);
            requirePositive("retryInitialBackoff", retryInitialBackoff);
            requirePositive("retryMaxBackoff", retryMaxBackoff);
            requirePositive("closeTimeout", closeTimeout);
            if (batchMaxRecords < 1 || batchMaxRecords > 100_000) {
                throw new IllegalArgumentException("kafka.batchMaxRecords must be 1..100000, was " + batchMaxRecords);
            }
            if (batchMaxDelay == null || batchMaxDelay.isNegative() || batchMaxDelay.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("kafka.batchMaxDelay must be 0..1 min, was " + batchMaxDelay);
            }
            if (retryMaxBackoff.compareTo(retryInitialBackoff) < 0) {
                throw new IllegalArgumentException("kafka.retryMaxBackoff (" + retryMaxBackoff
                        + ") must be >= kafka.retryInitialBackoff (" + retryInitialBackoff + ")");
            }
        }

        private static void requirePositive(String name, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("kafka." + name + " must be > 0, was " + d);
            }
        }

        public static KafkaConfig disabled() {
            return of("");
        }

        /** Defaults for everything but the brokers. */
        public static KafkaConfig of(String bootstrapServers) {
            return new KafkaConfig(bootstrapServers, DEFAULT_METRICS_TOPIC, DEFAULT_DLQ_TOPIC, DEFAULT_GROUP_ID,
                    Map.of(), Duration.ofMillis(500), Duration.ofMillis(200), Duration.ofSeconds(30),
                    Duration.ofSeconds(10), DEFAULT_BATCH_MAX_RECORDS, DEFAULT_BATCH_MAX_DELAY);
        }

        public boolean enabled() {
            return !bootstrapServers.isEmpty();
        }

        public KafkaConfig withTopics(String metricsTopic, String dlqTopic, String groupId) {
            return new KafkaConfig(bootstrapServers, metricsTopic, dlqTopic, groupId, clientProperties, pollTimeout,
                    retryInitialBackoff, retryMaxBackoff, closeTimeout, batchMaxRecords, batchMaxDelay);
        }

        public KafkaConfig withClientProperties(Map<String, String> clientProperties) {
            return new KafkaConfig(bootstrapServers, metricsTopic, dlqTopic, groupId, clientProperties, pollTimeout,
                    retryInitialBackoff, retryMaxBackoff, closeTimeout, batchMaxRecords, batchMaxDelay);
        }

        public KafkaConfig withRetryBackoff(Duration initial, Duration max) {
            return new KafkaConfig(bootstrapServers, metricsTopic, dlqTopic, groupId, clientProperties, pollTimeout,
                    initial, max, closeTimeout, batchMaxRecords, batchMaxDelay);
        }

        /** Metrics batches: cut at {@code maxRecords} records of a partition or when the oldest waited {@code maxDelay}. */
        public KafkaConfig withBatching(int maxRecords, Duration maxDelay) {
            return new KafkaConfig(bootstrapServers, metricsTopic, dlqTopic, groupId, clientProperties, pollTimeout,
                    retryInitialBackoff, retryMaxBackoff, closeTimeout, maxRecords, maxDelay);
        }
    }
}
