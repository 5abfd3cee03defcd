package io.leakwatch.bench.ingest;

import io.leakwatch.bench.ThreadCpu;
import io.leakwatch.ingest.DecodeLimits;
import io.leakwatch.ingest.IngestConfig;
import io.leakwatch.ingest.KafkaMetricsConsumer;
import io.leakwatch.ingest.OtlpMetricsDecoder;
import io.leakwatch.store.ChdbLibrary;
import io.leakwatch.store.ClickHouseMetricWriter;
import io.leakwatch.store.MetricRow;
import io.leakwatch.store.MetricWriter;
import io.leakwatch.store.Store;
import io.leakwatch.store.StoreConfig;
import io.leakwatch.store.schema.SeriesSchema;
import io.leakwatch.testing.KafkaBroker;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fleet-scale ingest benchmark: a synthetic fleet ({@link SyntheticFleet}: N JVMs × the collector's metric
 * set every 10 s) through the real broker ({@code KafkaBroker.shared()}: {@code KAFKA_BOOTSTRAP_SERVERS} or a
 * self-started one) and the real {@link KafkaMetricsConsumer} into the real embedded store (series-keyed
 * tables, {@link SeriesSchema}), against the raw insert rate of the same rows straight into the same store through
 * a {@link ClickHouseMetricWriter} (what {@code store.writer()} is), in the same run and the same process. Prints:
 * <ol>
 *   <li><b>raw</b>: the fleet's rows, decoded once beforehand, inserted by one thread in batches of
 *   {@code rawBatchRows} rows for {@code seconds} s;</li>
 *   <li><b>ingest</b>: a backlog of {@code ticks} ticks of the fleet produced to the topic first, then consumed
 *   by ingest; rows/s from its first insert to its last (and from consumer start, group join included), and
 *   the rows found in {@code series_values} afterwards;</li>
 *   <li><b>latency</b>: the fleet produced in real time (each JVM at its own phase of the 10 s tick, its
 *   points stamped with the send time) for {@code latencySeconds} s while a probe asks the store, every
 *   200 ms, for the newest point of the paced run in {@code series_values}; freshness lag = probe time − newest
 *   point time, i.e. how old the newest queryable point is (point timestamp → queryable);</li>
 *   <li>the ratio ingest / raw, and the process's peak RSS ({@code VmHWM}, embedded engine included).</li>
 *   <li>for raw and ingest also rows per CPU-second of the whole process (engine included), which stays
 *   meaningful when other work shares the machine and wall-clock rates drop.</li>
 * </ol>
 * Each phase starts from the same state: the series-keyed tables (and {@code instances_seen}, which they feed) are
 * truncated between phases, and each phase writes through a writer of its own, which has written no series yet, so
 * every phase writes every series' identity once, as a freshly started ingest does.
 *
 * <p>Run (a few minutes with the defaults; JDK 25):
 * <pre>
 * ./mvnw -B -q -pl benchmarks -am install -DskipTests
 * ./mvnw -B -q -pl benchmarks dependency:build-classpath -Dmdep.outputFile=/tmp/bench-cp.txt
 * java --enable-native-access=ALL-UNNAMED -Xmx3g -cp benchmarks/target/classes:$(cat /tmp/bench-cp.txt) \
 *     io.leakwatch.bench.ingest.FleetIngestBench [instances=10000] [ticks=12] [seconds=20] [latencySeconds=30] [partitions=4] \
 *     [batchRecords=KafkaConfig.DEFAULT_BATCH_MAX_RECORDS]
 * </pre>
 * {@code batchRecords} is the ingest's records per partition batch; the raw insert uses batches of as many
 * collector exports' rows, so both sides insert the same amount at a time.
 */
public final class FleetIngestBench {
    private FleetIngestBench() {
    }

    public static void main(String[] args) throws Exception {
        int instances = arg(args, 0, 10_000);
        int ticks = arg(args, 1, 12);
        int seconds = arg(args, 2, 20);
        int latencySeconds = arg(args, 3, 30);
        int partitions = arg(args, 4, 4);
        int batchRecords = arg(args, 5, IngestConfig.KafkaConfig.DEFAULT_BATCH_MAX_RECORDS);
        SyntheticFleet fleet = new SyntheticFleet(instances);
        Path dataDir = Files.createTempDirectory("leakwatch-fleet-bench-");
        System.out.printf("fleet: %,d JVMs x %d points every 10 s = %,d points/s nominal; batches of %,d records;"
                + " store at %s%n", instances, SyntheticFleet.POINTS_PER_EXPORT,
                instances * SyntheticFleet.POINTS_PER_EXPORT / 10, batchRecords, dataDir);
        KafkaBroker broker = KafkaBroker.shared();
        try (Store store = Store.open(StoreConfig.embedded(dataDir, ChdbLibrary.locate()))) {
            double[] raw = raw(store, fleet, seconds, batchRecords);
            truncate(store);
            double[] ingest = ingest(store, broker, fleet, ticks, partitions, batchRecords);
            truncate(store);
            long[] lag = latency(store, broker, fleet, latencySeconds, partitions, batchRecords);
            System.out.println();
            System.out.printf("raw insert (metric writer, 1 thread)      %,12.0f points/s  %,12.0f per CPU-second%n",
                    raw[0], raw[1]);
            System.out.printf("ingest (Kafka -> consumer -> store)       %,12.0f points/s  %,12.0f per CPU-second"
                    + "  (%,.0f points/s incl. group join)%n", ingest[0], ingest[2], ingest[1]);
            System.out.printf("ingest / raw                              %12.2f             %12.2f%n", ingest[0] / raw[0],
                    ingest[2] / raw[1]);
            System.out.printf("load average during the run (a shared machine skews points/s, not CPU-seconds): %s%n",
                    Files.readString(Path.of("/proc/loadavg")).strip());
            System.out.printf("freshness lag at the nominal fleet rate   p50 %,d ms, p95 %,d ms, max %,d ms (%d probes)%n",
                    lag[0], lag[1], lag[2], lag[3]);
            System.out.printf("peak RSS (VmHWM, JVM + embedded engine)   %,12d MiB%n", peakRssKib() / 1024);
        }
    }

    /** {rows/s, rows per CPU-second} of the fleet's rows inserted straight through the writer. */
    private static double[] raw(Store store, SyntheticFleet fleet, int seconds, int batchRecords) {
        OtlpMetricsDecoder decoder = new OtlpMetricsDecoder(DecodeLimits.defaults());
        long tick0 = System.currentTimeMillis() - 3_600_000L;
        List<MetricRow> rows = new ArrayList<>(fleet.instances() * SyntheticFleet.POINTS_PER_EXPORT);
        for (int i = 0; i < fleet.instances(); i++) {
            rows.addAll(decoder.decodeProtobuf(fleet.export(i, 0, fleet.exportTimeMillis(i, tick0)).toByteArray()).rows());
        }
        int batchRows = batchRecords * SyntheticFleet.POINTS_PER_EXPORT;
        List<List<MetricRow>> batches = new ArrayList<>();
        for (int from = 0; from < rows.size(); from += batchRows) {
            batches.add(rows.subList(from, Math.min(rows.size(), from + batchRows)));
        }
        // Warm-up: the JIT and the engine's first parts; then timed rounds over the same tick with distinct tokens.
        String run = UUID.randomUUID().toString().substring(0, 8);
        MetricWriter writer = new ClickHouseMetricWriter(store.engine());
        writer.write(batches.getFirst(), "raw-warm-" + run);
        long written = 0;
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        long deadline = t0 + seconds * 1_000_000_000L;
        for (int n = 0; System.nanoTime() < deadline; n++) {
            List<MetricRow> b = batches.get(n % batches.size());
            writer.write(b, "raw-" + run + "-" + n);
            written += b.size();
        }
        double rate = written / ((System.nanoTime() - t0) / 1e9);
        double cpu = (processCpuNanos() - cpu0) / 1e9;
        System.out.printf("raw: %,d rows in batches of %,d: %,.0f rows/s, %.1f CPU-s = %,.0f rows per CPU-second%n",
                written, batchRows, rate, cpu, written / cpu);
        return new double[] {rate, written / cpu};
    }

    /** {rows/s from the first insert, rows/s from consumer start} for a backlog of {@code ticks} fleet ticks. */
    private static double[] ingest(Store store, KafkaBroker broker, SyntheticFleet fleet, int ticks, int partitions,
                                   int batchRecords) throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "fleet-" + id;
        broker.createTopic(topic, partitions);
        broker.createTopic(topic + "-dlq", 1);
        long tick0 = System.currentTimeMillis() - (ticks + 1) * SyntheticFleet.TICK_MILLIS;
        long t0 = System.nanoTime();
        long bytes = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(broker))) {
            for (int tick = 0; tick < ticks; tick++) {
                long tickStart = tick0 + tick * SyntheticFleet.TICK_MILLIS;
                for (int i = 0; i < fleet.instances(); i++) {
                    byte[] value = fleet.export(i, tick, fleet.exportTimeMillis(i, tickStart)).toByteArray();
                    bytes += value.length;
                    producer.send(new ProducerRecord<>(topic, key(i), value));
                }
            }
            producer.flush();
        }
        long expected = (long) ticks * fleet.instances() * SyntheticFleet.POINTS_PER_EXPORT;
        System.out.printf("produced %,d records (%,d points, %,d MB) in %.1f s%n", (long) ticks * fleet.instances(),
                expected, bytes >> 20, (System.nanoTime() - t0) / 1e9);

        AtomicLong firstInsert = new AtomicLong();
        MetricWriter writer = new ClickHouseMetricWriter(store.engine());
        String events0 = engineEvents(store);
        Map<String, Long> threads0 = ThreadCpu.byGroup(FleetIngestBench::threadGroup);
        long cpu0 = processCpuNanos();
        long start = System.nanoTime();
        MetricWriter timed = new MetricWriter() { // the writer, noting when the first insert starts
            @Override
            public void write(List<MetricRow> rows, String token) {
                firstInsert.compareAndSet(0, System.nanoTime());
                writer.write(rows, token);
            }

            @Override
            public List<MetricRow> prepare(List<MetricRow> rows) {
                return writer.prepare(rows);
            }

            @Override
            public List<MetricRow> join(List<? extends List<MetricRow>> parts) {
                return writer.join(parts);
            }
        };
        try (KafkaMetricsConsumer consumer = KafkaMetricsConsumer.start(config(broker, topic, batchRecords),
                new OtlpMetricsDecoder(DecodeLimits.defaults()), timed)) {
            while (consumer.rowsWritten() < expected) {
                Thread.sleep(20); // a benchmark's polling, not a test's synchronisation
                if (System.nanoTime() - start > 900_000_000_000L) {
                    throw new IllegalStateException("ingest did not finish: " + consumer.rowsWritten() + " of " + expected);
                }
            }
            long end = System.nanoTime();
            double cpu = (processCpuNanos() - cpu0) / 1e9;
            long stored = count(store, "SELECT count() FROM " + SeriesSchema.VALUES);
            double fromFirst = expected / ((end - firstInsert.get()) / 1e9);
            double fromStart = expected / ((end - start) / 1e9);
            System.out.printf("ingest: %,d rows in %.1f s from the first insert (%.1f s from start); %,d rows in the store%n",
                    expected, (end - firstInsert.get()) / 1e9, (end - start) / 1e9, stored);
            if (stored != expected) {
                System.out.printf("WARNING: store holds %,d rows, expected %,d%n", stored, expected);
            }
            System.out.printf("ingest: %.1f CPU-s = %,.0f rows per CPU-second (consumer, decode, encode and engine)%n",
                    cpu, expected / cpu);
            System.out.printf("ingest: CPU-s by thread (the engine's threads by their names; thread names cut at 15"
                    + " characters):%n");
            ThreadCpu.delta(threads0, ThreadCpu.byGroup(FleetIngestBench::threadGroup)).entrySet().stream()
                    .filter(e -> e.getValue() >= 50_000_000L)
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(e -> System.out.printf("  %-20s %6.1f%n", e.getKey(), e.getValue() / 1e9));
            System.out.printf("ingest: engine events before -> after: %s -> %s%n", events0, engineEvents(store));
            System.out.printf("ingest: parts by table (table, active parts, rows, max level):%n%s",
                    new String(store.engine().query("""
                            SELECT table, count(), sum(rows), max(level) FROM system.parts
                            WHERE active AND database = currentDatabase() GROUP BY table ORDER BY table""",
                            Map.of(), "TabSeparated"), StandardCharsets.UTF_8));
            return new double[] {fromFirst, fromStart, expected / cpu};
        }
    }

    /** {p50, p95, max, probes} of the freshness lag in ms while the fleet is produced at its nominal rate. */
    private static long[] latency(Store store, KafkaBroker broker, SyntheticFleet fleet, int seconds, int partitions,
                                  int batchRecords) throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "fleet-live-" + id;
        broker.createTopic(topic, partitions);
        broker.createTopic(topic + "-dlq", 1);
        List<Long> lags = Collections.synchronizedList(new ArrayList<>());
        long begin = System.currentTimeMillis();
        try (KafkaMetricsConsumer consumer = KafkaMetricsConsumer.start(config(broker, topic, batchRecords),
                new OtlpMetricsDecoder(DecodeLimits.defaults()), new ClickHouseMetricWriter(store.engine()));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(broker))) {
            while (!consumer.assigned()) {
                Thread.sleep(50);
            }
            Thread probe = Thread.ofPlatform().name("fleet-bench-probe").daemon().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        long newest = count(store, "SELECT toUnixTimestamp64Milli(max(ts)) FROM " + SeriesSchema.VALUES);
                        if (newest >= begin) {
                            lags.add(System.currentTimeMillis() - newest);
                        }
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            long end = begin + seconds * 1000L;
            long tick = 0;
            for (long tickStart = begin; tickStart < end; tickStart += SyntheticFleet.TICK_MILLIS, tick++) {
                for (int i = 0; i < fleet.instances(); i++) {
                    long due = fleet.exportTimeMillis(i, tickStart);
                    long now = System.currentTimeMillis();
                    if (due > now) {
                        Thread.sleep(due - now); // pacing the fleet at its real rate
                    }
                    producer.send(new ProducerRecord<>(topic, key(i),
                            fleet.export(i, tick, System.currentTimeMillis()).toByteArray()));
                }
            }
            producer.flush();
            probe.interrupt();
            probe.join();
        }
        List<Long> sorted = new ArrayList<>(lags);
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            return new long[] {-1, -1, -1, 0};
        }
        return new long[] {sorted.get(sorted.size() / 2), sorted.get((int) (sorted.size() * 0.95)), sorted.getLast(),
                sorted.size()};
    }

    private static IngestConfig.KafkaConfig config(KafkaBroker broker, String topic, int batchRecords) {
        IngestConfig.KafkaConfig c = IngestConfig.KafkaConfig.of(broker.bootstrapServers()).withTopics(topic, topic + "-dlq", topic);
        return c.withBatching(batchRecords, c.batchMaxDelay());
    }

    private static Map<String, Object> producerProps(KafkaBroker broker) {
        Map<String, Object> props = broker.producerProps();
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        return props;
    }

    private static byte[] key(int i) {
        return SyntheticFleet.instanceId(i).getBytes(StandardCharsets.UTF_8);
    }

    private static void truncate(Store store) {
        for (String table : List.of(SeriesSchema.SERIES, SeriesSchema.VALUES, SeriesSchema.HISTOGRAMS, SeriesSchema.POINTS_1M,
                SeriesSchema.FLOORS_15M, SeriesSchema.INSTANCE_TICKS, "instances_seen")) {
            store.engine().execute("TRUNCATE TABLE IF EXISTS " + table, Map.of());
        }
    }

    /** A thread's name without its number: a pool's threads are one group. */
    private static String threadGroup(String name) {
        return name.replaceAll("[#-]?\\d+$", "");
    }

    /** The engine's counters of inserted and merged rows and merge time, cumulative since it started. */
    private static String engineEvents(Store store) {
        return new String(store.engine().query("""
                SELECT arrayStringConcat(groupArray(event || '=' || toString(value)), ' ') FROM system.events
                WHERE event IN ('InsertedRows', 'MergedRows', 'MergesTimeMilliseconds', 'MergedUncompressedBytes')""",
                Map.of(), "TabSeparated"), StandardCharsets.UTF_8).strip();
    }

    private static long count(Store store, String sql) {
        String s = new String(store.engine().query(sql, Map.of(), "TabSeparated"), StandardCharsets.UTF_8).strip();
        return s.isEmpty() ? 0 : Long.parseLong(s);
    }

    /** CPU time of the whole process, the embedded engine's native threads included. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long peakRssKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    private static int arg(String[] args, int i, int dflt) {
        return args.length > i ? Integer.parseInt(args[i]) : dflt;
    }
}
