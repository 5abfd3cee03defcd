package io.leakwatch.collector.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.leakwatch.wire.JfrCompression;
import io.leakwatch.wire.JfrEnvelope;
import io.leakwatch.wire.JfrEnvelopeCodec;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The built agent in real JDK 17 and 25 hosts that leak into a static map, with short leak recordings:
 * envelopes arrive at {@code /v1/jfr}, decode, and hold old-object samples of the leak; the feature gauge says
 * what is on, or off and why.
 */
class JfrInHostIT {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(strings = {"17", "25"})
    void leakRecordingsArriveAsEnvelopesWithOldObjectSamples(String jdk) throws Exception {
        try (Receiver receiver = new Receiver()) {
            Process host = start(jdk, "otlp.endpoint=" + receiver.base() + ",interval=1s,service.name=jfr-host,"
                    + "jfr.interval=4s,jfr.duration=3s", 12_000);
            assertThat(host.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(host.exitValue()).as(Files.readString(dir.resolve("err"))).isZero();

            assertThat(receiver.envelopes).as(Files.readString(dir.resolve("err"))).isNotEmpty();
            JfrEnvelope envelope = JfrEnvelopeCodec.decode(receiver.envelopes.get(0));
            assertThat(envelope.compression()).isEqualTo(JfrCompression.GZIP);
            assertThat(envelope.resource()).containsEntry("service.name", "jfr-host")
                    .containsKeys("service.instance.id", "host.name", "process.pid");
            assertThat(envelope.endMillis() - envelope.startMillis()).isBetween(2500L, 10_000L);
            System.out.println("JDK " + jdk + " recording: " + envelope.payload().length + " bytes compressed");

            List<RecordedEvent> events = new ArrayList<>();
            int n = 0;
            for (byte[] bytes : receiver.envelopes) {
                List<RecordedEvent> these = events(JfrEnvelopeCodec.decode(bytes), n++);
                System.out.println("JDK " + jdk + " envelope " + n + ": " + these.stream()
                        .collect(Collectors.groupingBy(e -> e.getEventType().getName(), Collectors.counting())));
                events.addAll(these);
            }
            List<RecordedEvent> old = events.stream()
                    .filter(e -> e.getEventType().getName().equals("jdk.OldObjectSample")).toList();
            assertThat(old).isNotEmpty();
            assertThat(old).anySatisfy(e -> assertThat(e.getStackTrace()).isNotNull());
            assertThat(events.stream().map(e -> e.getEventType().getName()).collect(Collectors.toSet()))
                    .contains("jdk.GarbageCollection", "jdk.GCHeapSummary");

            Map<String, Long> features = features(receiver.metrics);
            assertThat(features).containsEntry("jfr.leak_recordings/on", 1L)
                    .containsEntry("jfr.allocation_samples/on", 1L).containsEntry("jfr.gc_summaries/on", 1L);
            assertThat(names(receiver.metrics)).contains("leakwatch.collector.jfr.exported",
                    "leakwatch.collector.jfr.dropped", "jvm.memory.used");
        }
    }

    @Test
    void switchedOffRecordingsSayWhyAndMetricsStillFlow() throws Exception {
        try (Receiver receiver = new Receiver()) {
            Process host = start("25", "otlp.endpoint=" + receiver.base() + ",interval=1s,jfr.enabled=false,"
                    + "jfr.interval=2s,jfr.duration=1s", 4000);
            assertThat(host.waitFor(60, TimeUnit.SECONDS)).isTrue();

            assertThat(receiver.envelopes).isEmpty();
            assertThat(names(receiver.metrics)).contains("jvm.memory.used").doesNotContain("leakwatch.collector.jfr.exported");
            assertThat(features(receiver.metrics)).containsEntry("jfr.leak_recordings/off", 0L);
            assertThat(reasons(receiver.metrics)).contains("disabled by configuration (jfr.enabled=false)");
        }
    }

    @Test
    void kafkaExporterProducesEnvelopesKeyedByInstanceId() throws Exception {
        io.leakwatch.testing.KafkaBroker broker = io.leakwatch.testing.KafkaBroker.shared();
        String topic = "leakwatch.jfr.it-" + java.util.UUID.randomUUID();
        broker.createTopic(topic, 1);
        String metricsTopic = "leakwatch.metrics.it-" + java.util.UUID.randomUUID();
        broker.createTopic(metricsTopic, 1);

        Process host = start("17", "exporter=kafka,kafka.bootstrap.servers=" + broker.bootstrapServers()
                + ",kafka.topic=" + metricsTopic + ",jfr.kafka.topic=" + topic + ",instance.id=jfr-kafka-1,"
                + "interval=1s,jfr.interval=3s,jfr.duration=2s", 8000);
        assertThat(host.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(host.exitValue()).as(Files.readString(dir.resolve("err"))).isZero();

        List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> records = new CopyOnWriteArrayList<>();
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(
                broker.consumerProps("jfr-it-" + java.util.UUID.randomUUID()))) {
            consumer.subscribe(List.of(topic));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> {
                consumer.poll(java.time.Duration.ofMillis(200)).forEach(records::add);
                return !records.isEmpty();
            });
        }
        assertThat(records).allSatisfy(r -> {
            assertThat(new String(r.key(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("jfr-kafka-1");
            JfrEnvelope envelope = JfrEnvelopeCodec.decode(r.value());
            assertThat(envelope.resource()).containsEntry("service.instance.id", "jfr-kafka-1");
            assertThat(events(envelope, 100 + (int) r.offset())).isNotEmpty();
        });
    }

    private Process start(String jdk, String agentArgs, long runMillis) throws IOException {
        Path source = dir.resolve("LeakyHostApp.java");
        try (InputStream in = getClass().getResourceAsStream("/host/LeakyHostApp.java")) {
            Files.write(source, in.readAllBytes());
        }
        ProcessBuilder builder = new ProcessBuilder(HostJvm.jdkHome(jdk).resolve("bin/java").toString(), "-Xmx256m",
                "-XX:+UseG1GC", "-javaagent:" + HostJvm.agentJar().toAbsolutePath() + "=" + agentArgs,
                source.toString(), String.valueOf(runMillis));
        builder.environment().keySet().removeIf(k -> k.startsWith("OTEL_") || k.startsWith("LEAKWATCH_"));
        builder.redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile());
        return builder.start();
    }

    private List<RecordedEvent> events(JfrEnvelope envelope, int n) throws IOException {
        Path file = dir.resolve("recording-" + n + ".jfr");
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(envelope.payload()))) {
            Files.copy(in, file);
        }
        return RecordingFile.readAllEvents(file);
    }

    private static List<String> names(List<ExportMetricsServiceRequest> requests) {
        return metrics(requests).stream().map(Metric::getName).distinct().toList();
    }

    /** The last value of each {@code feature/state} of {@code leakwatch.collector.feature}. */
    private static Map<String, Long> features(List<ExportMetricsServiceRequest> requests) {
        Map<String, Long> out = new java.util.HashMap<>();
        for (NumberDataPoint p : featurePoints(requests)) {
            Map<String, String> a = attributes(p.getAttributesList());
            out.put(a.get("feature") + "/" + a.get("state"), p.getAsInt());
        }
        return out;
    }

    private static List<String> reasons(List<ExportMetricsServiceRequest> requests) {
        return featurePoints(requests).stream().map(p -> attributes(p.getAttributesList()).get("reason")).toList();
    }

    private static List<NumberDataPoint> featurePoints(List<ExportMetricsServiceRequest> requests) {
        return metrics(requests).stream().filter(m -> m.getName().equals("leakwatch.collector.feature"))
                .flatMap(m -> m.getGauge().getDataPointsList().stream()).toList();
    }

    private static List<Metric> metrics(List<ExportMetricsServiceRequest> requests) {
        List<Metric> out = new ArrayList<>();
        requests.forEach(r -> r.getResourceMetricsList().forEach(rm -> rm.getScopeMetricsList()
                .forEach(sm -> out.addAll(sm.getMetricsList()))));
        return out;
    }

    private static Map<String, String> attributes(List<KeyValue> kvs) {
        Map<String, String> out = new java.util.HashMap<>();
        kvs.forEach(kv -> out.put(kv.getKey(), kv.getValue().getStringValue()));
        return out;
    }

    /** OTLP/HTTP metrics and JFR envelopes on one loopback port, like ingest. */
    private static final class Receiver implements AutoCloseable {
        final HttpServer server;
        final List<byte[]> envelopes = new CopyOnWriteArrayList<>();
        final List<ExportMetricsServiceRequest> metrics = new CopyOnWriteArrayList<>();

        Receiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/v1/metrics", this::metrics);
            server.createContext("/v1/jfr", this::jfr);
            server.start();
        }

        String base() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        private void metrics(HttpExchange exchange) throws IOException {
            try (exchange) {
                InputStream body = exchange.getRequestBody();
                if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                    body = new GZIPInputStream(body);
                }
                metrics.add(ExportMetricsServiceRequest.parseFrom(body.readNBytes(16 * 1024 * 1024)));
                exchange.sendResponseHeaders(200, -1);
            }
        }

        private void jfr(HttpExchange exchange) throws IOException {
            try (exchange) {
                assertThat(exchange.getRequestHeaders().getFirst("Content-Type"))
                        .isEqualTo("application/vnd.leakwatch.jfr-envelope");
                envelopes.add(exchange.getRequestBody().readNBytes(64 * 1024 * 1024));
                exchange.sendResponseHeaders(200, -1);
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
