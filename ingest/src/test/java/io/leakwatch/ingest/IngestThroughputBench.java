package io.leakwatch.ingest;

import io.leakwatch.store.MetricRow;
import io.leakwatch.store.MetricWriter;
import io.leakwatch.testing.KafkaBroker;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static io.leakwatch.ingest.OtlpFixtures.T0_NANOS;
import static io.leakwatch.ingest.OtlpFixtures.attr;

/**
 * Prints ingest throughput in data points per second for four paths over the same synthetic collector
 * payloads, each as a ratio to decode-only in the same run (so the figures compare on a shared, noisy
 * machine): protobuf decode only; decode + an in-memory writer that deduplicates by token; the same
 * with the OpenTelemetry SDK recording ingest's own metrics; and Kafka → {@link KafkaMetricsConsumer}
 * → the in-memory writer on the real broker fixture.
 *
 * <p>Run: {@code ./mvnw -B -o -pl ingest test-compile} then
 * {@code java -cp ingest/target/test-classes:ingest/target/classes:$(cat cp.txt) io.leakwatch.ingest.IngestThroughputBench [instances] [seconds]}
 * with the class path from {@code dependency:build-classpath -Dmdep.outputFile=cp.txt}.
 */
public final class IngestThroughputBench {
    private static final String[] HEAP_POOLS = {"G1 Eden Space", "G1 Survivor Space", "G1 Old Gen"};
    private static final String[] NON_HEAP_POOLS = {"Metaspace", "CodeHeap 'non-nmethods'", "Compressed Class Space"};

    private IngestThroughputBench() {
    }

    public static void main(String[] args) throws Exception {
        int instances = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
        List<byte[]> payloads = new ArrayList<>(instances);
        for (int i = 0; i < instances; i++) {
            payloads.add(collectorExport("bench-" + i, i).toByteArray());
        }
        OtlpMetricsDecoder decoder = new OtlpMetricsDecoder(DecodeLimits.defaults());
        int pointsPerPayload = decoder.decodeProtobuf(payloads.getFirst()).rows().size();
        System.out.printf("payloads: %d instances x %d points (%d bytes each)%n", instances, pointsPerPayload,
                payloads.getFirst().length);

        Rate decodeOnly = loop("decode only", payloads, seconds, p -> decoder.decodeProtobuf(p).rows().size());
        DedupSink sink = new DedupSink();
        Rate decodeWrite = loop("decode + fake write", payloads, seconds, new Step() {
            long n;

            @Override
            public int run(byte[] p) {
                List<MetricRow> rows = decoder.decodeProtobuf(p).rows();
                sink.write(rows, "bench-" + n++);
                return rows.size();
            }
        });
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        try (SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build()) {
            IngestTelemetry telemetry = IngestTelemetry.create(provider);
            Rate withTelemetry = loop("decode + fake write + SDK telemetry", payloads, seconds, new Step() {
                long n;

                @Override
                public int run(byte[] p) {
                    telemetry.recordsReceived(IngestTelemetry.Source.KAFKA_METRICS, 1);
                    List<MetricRow> rows = decoder.decodeProtobuf(p).rows();
                    long t0 = System.nanoTime();
                    sink.write(rows, "bench-t-" + n++);
                    telemetry.inserted(IngestTelemetry.Source.KAFKA_METRICS, rows.size(), System.nanoTime() - t0);
                    return rows.size();
                }
            });
            Rate kafka = kafka(payloads, pointsPerPayload, seconds, decodeOnly);
            System.out.println();
            System.out.printf("%-40s %14s %8s%n", "path", "points/s", "ratio");
            for (Rate r : List.of(decodeOnly, decodeWrite, withTelemetry, kafka)) {
                System.out.printf("%-40s %,14.0f %8.2f%n", r.name, r.pointsPerSecond, r.pointsPerSecond / decodeOnly.pointsPerSecond);
            }
        }
    }

    /** Kafka → consumer → in-memory writer; the rate counts from the first insert to the last row. */
    private static Rate kafka(List<byte[]> payloads, int pointsPerPayload, double seconds, Rate decodeOnly) throws Exception {
        KafkaBroker broker = KafkaBroker.shared();
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "bench-" + id;
        broker.createTopic(topic, 4);
        broker.createTopic(topic + "-dlq", 1);
        // Enough records for about `seconds` of consumption at half the decode-only rate, at least 2 rounds.
        long wantedPoints = (long) Math.max(2.0 * payloads.size() * pointsPerPayload, decodeOnly.pointsPerSecond * seconds / 2);
        int records = (int) Math.min(Integer.MAX_VALUE - 1, wantedPoints / pointsPerPayload);
        Map<String, Object> producerProps = new HashMap<>(broker.producerProps());
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        producerProps.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
        long t0 = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps)) {
            for (int i = 0; i < records; i++) {
                byte[] key = ("bench-" + (i % payloads.size())).getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, key, payloads.get(i % payloads.size())));
            }
            producer.flush();
        }
        System.out.printf("produced %,d records (%,d points) in %.1f s%n", records, (long) records * pointsPerPayload,
                (System.nanoTime() - t0) / 1e9);

        AtomicLong rows = new AtomicLong();
        AtomicLong firstWrite = new AtomicLong();
        DedupSink sink = new DedupSink();
        MetricWriter writer = (batch, token) -> {
            firstWrite.compareAndSet(0, System.nanoTime());
            sink.write(batch, token);
            rows.addAndGet(batch.size());
        };
        IngestConfig.KafkaConfig config = IngestConfig.KafkaConfig.of(broker.bootstrapServers())
                .withTopics(topic, topic + "-dlq", "bench-" + id)
                .withClientProperties(Map.of("max.poll.records", "2000", "fetch.max.bytes", Integer.toString(32 << 20),
                        "max.partition.fetch.bytes", Integer.toString(8 << 20)));
        long expected = (long) records * pointsPerPayload;
        long start = System.nanoTime();
        try (KafkaMetricsConsumer consumer = KafkaMetricsConsumer.start(config, new OtlpMetricsDecoder(DecodeLimits.defaults()), writer)) {
            while (rows.get() < expected) {
                Thread.sleep(5); // a benchmark's polling, not a test's synchronisation
                if (System.nanoTime() - start > 300_000_000_000L) {
                    throw new IllegalStateException("Kafka path did not finish: " + rows.get() + " of " + expected);
                }
            }
            long end = System.nanoTime();
            System.out.printf("kafka: %,d rows, %.1f s from start (group join included), %.1f s from the first insert%n",
                    rows.get(), (end - start) / 1e9, (end - firstWrite.get()) / 1e9);
            return new Rate("kafka -> consumer -> fake write", expected / ((end - firstWrite.get()) / 1e9));
        }
    }

    private static Rate loop(String name, List<byte[]> payloads, double seconds, Step step) {
        // Warm-up: a third of the time, results dropped, so the JIT has compiled the path being timed;
        // then the best of three rounds, since the machine is shared and GC pauses land unevenly.
        run(payloads, seconds / 3, step);
        double best = 0;
        for (int round = 0; round < 3; round++) {
            best = Math.max(best, run(payloads, seconds / 3, step));
        }
        Rate r = new Rate(name, best);
        System.out.printf("%-40s %,14.0f points/s%n", name, r.pointsPerSecond);
        return r;
    }

    private static double run(List<byte[]> payloads, double seconds, Step step) {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long points = 0;
        long t0 = System.nanoTime();
        int i = 0;
        while (System.nanoTime() < deadline) {
            points += step.run(payloads.get(i));
            i = (i + 1) % payloads.size();
        }
        return points / ((System.nanoTime() - t0) / 1e9);
    }

    /** A collector's 10 s export: memory per pool (used, committed, after GC), threads, classes, CPU, RSS. */
    static ExportMetricsServiceRequest collectorExport(String instance, long seed) {
        List<Metric> metrics = new ArrayList<>();
        for (String metric : List.of("jvm.memory.used", "jvm.memory.committed")) {
            Gauge.Builder g = Gauge.newBuilder();
            for (String pool : HEAP_POOLS) {
                g.addDataPoints(point(seed).addAttributes(attr("jvm.memory.pool.name", pool)).addAttributes(attr("jvm.memory.type", "heap")));
            }
            for (String pool : NON_HEAP_POOLS) {
                g.addDataPoints(point(seed).addAttributes(attr("jvm.memory.pool.name", pool)).addAttributes(attr("jvm.memory.type", "non_heap")));
            }
            metrics.add(Metric.newBuilder().setName(metric).setUnit("By").setGauge(g).build());
        }
        Gauge.Builder afterGc = Gauge.newBuilder();
        for (String pool : HEAP_POOLS) {
            afterGc.addDataPoints(point(seed).addAttributes(attr("jvm.memory.pool.name", pool)).addAttributes(attr("jvm.memory.type", "heap")));
        }
        metrics.add(Metric.newBuilder().setName("jvm.memory.used_after_last_gc").setUnit("By").setGauge(afterGc).build());
        for (String gauge : List.of("jvm.thread.count", "jvm.class.count", "process.memory.usage", "jvm.file_descriptor.count")) {
            metrics.add(Metric.newBuilder().setName(gauge).setGauge(Gauge.newBuilder().addDataPoints(point(seed))).build());
        }
        for (String counter : List.of("jvm.cpu.time", "jvm.class.loaded", "jvm.class.unloaded")) {
            metrics.add(Metric.newBuilder().setName(counter).setSum(Sum.newBuilder().setIsMonotonic(true)
                    .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                    .addDataPoints(point(seed).setStartTimeUnixNano(T0_NANOS - 3_600_000_000_000L))).build());
        }
        return OtlpFixtures.request(instance, metrics.toArray(Metric[]::new));
    }

    private static NumberDataPoint.Builder point(long seed) {
        return NumberDataPoint.newBuilder().setTimeUnixNano(T0_NANOS).setAsInt(1_000_000 + seed);
    }

    private interface Step {
        int run(byte[] payload);
    }

    private record Rate(String name, double pointsPerSecond) {
    }

    /** Keeps only a bounded window of tokens (like ClickHouse's dedup window) and counts rows; stores nothing. */
    private static final class DedupSink {
        private static final int WINDOW = 10_000;
        private final Set<String> recent = new HashSet<>();
        private final ArrayList<String> order = new ArrayList<>();
        private long rows;

        synchronized void write(List<MetricRow> batch, String token) {
            if (!recent.add(token)) {
                return;
            }
            order.add(token);
            if (order.size() > WINDOW) {
                recent.removeAll(order.subList(0, WINDOW / 2));
                order.subList(0, WINDOW / 2).clear();
            }
            rows += batch.size();
        }
    }
}
