package io.leakwatch.collector.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Runs the built agent jar inside real JDK 17 and JDK 25 hosts and asserts on what they export. */
class AgentInHostIT {
    static Stream<Arguments> hosts() {
        return Stream.of(
                Arguments.of("17", "-XX:+UseG1GC", "G1 Old Gen", "G1 Young Generation", "G1 Old Generation"),
                Arguments.of("17", "-XX:+UseParallelGC", "PS Old Gen", "PS Scavenge", "PS MarkSweep"),
                Arguments.of("25", "-XX:+UseG1GC", "G1 Old Gen", "G1 Young Generation", "G1 Old Generation"),
                Arguments.of("25", "-XX:+UseSerialGC", "Tenured Gen", "Copy", "MarkSweepCompact"));
    }

    @ParameterizedTest(name = "JDK {0} {1}")
    @MethodSource("hosts")
    void exportsMemoryPoolsThreadsAndClassesOverOtlpHttp(String jdk, String gc, String oldPool, String youngGc,
            String fullGc) throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            String args = "otlp.endpoint=" + receiver.endpoint() + ",interval=1s,service.name=host-test,"
                    + "service.version=9.9.9,environment=ci";

            HostJvm.Result host = HostJvm.run(jdk, gc, args, Map.of(), 3500);

            assertThat(host.exitCode()).as(host.stderr()).isZero();
            assertThat(host.stdout()).contains("HOST DONE");
            assertThat(receiver.received()).as("periodic exports plus the final flush").hasSizeGreaterThanOrEqualTo(2)
                    .allSatisfy(r -> {
                        assertThat(r.contentEncoding()).isEqualTo("gzip");
                        assertThat(r.contentType()).isEqualTo("application/x-protobuf");
                    });
            ExportedMetrics exported = new ExportedMetrics(receiver.received().stream().map(OtlpReceiver.Received::request).toList());
            assertThat(exported.names()).contains("jvm.memory.used", "jvm.memory.committed", "jvm.memory.limit",
                    "jvm.memory.used_after_last_gc", "jvm.gc.duration", "jvm.thread.count", "jvm.class.count",
                    "jvm.class.loaded", "jvm.class.unloaded", "jvm.cpu.time", "jvm.buffer.memory.used",
                    "jvm.file_descriptor.count", "process.memory.usage", "leakwatch.collector.snapshots.dropped",
                    "leakwatch.collector.snapshots.exported");
            assertThat(exported.resource())
                    .containsEntry("service.name", "host-test")
                    .containsEntry("service.version", "9.9.9")
                    .containsEntry("deployment.environment.name", "ci")
                    .containsEntry("process.pid", String.valueOf(host.pid()))
                    .containsKeys("host.name", "service.instance.id", "telemetry.sdk.name");
            assertThat(exported.resource().get("service.instance.id")).matches("[0-9a-f-]{36}");

            assertThat(exported.points("jvm.memory.used_after_last_gc")).isNotEmpty().allSatisfy(p ->
                    assertThat(ExportedMetrics.attributes(p.getAttributesList())).containsKeys("jvm.memory.pool.name", "jvm.memory.type"));
            assertThat(exported.points("jvm.memory.used_after_last_gc"))
                    .anySatisfy(p -> assertThat(poolOf(p)).isEqualTo(oldPool));
            assertThat(exported.named("jvm.gc.duration")).isNotEmpty().allSatisfy(m -> assertThat(m.hasHistogram()).isTrue());
            assertThat(exported.named("jvm.gc.duration").stream().flatMap(m -> m.getHistogram().getDataPointsList().stream())
                    .map(p -> ExportedMetrics.attributes(p.getAttributesList()).get("jvm.gc.name"))).contains(youngGc);
            assertThat(exported.points("process.memory.usage")).allSatisfy(p -> assertThat(p.getAsInt()).isPositive());

            // GC notifications: heap after each collector's collections, old-gen evidence from the full ones
            // HostApp makes, and the peak and started thread totals runtime telemetry does not export.
            assertThat(exported.names()).contains("leakwatch.gc.heap.before", "leakwatch.gc.heap.after",
                    "leakwatch.gc.old_gen.after", "leakwatch.gc.reclaiming.count", "jvm.thread.peak", "jvm.thread.started");
            assertThat(exported.points("leakwatch.gc.heap.after")).anySatisfy(p -> {
                assertThat(gcNameOf(p)).isEqualTo(youngGc);
                assertThat(p.getAsInt()).isPositive();
            });
            assertThat(exported.points("leakwatch.gc.old_gen.after")).anySatisfy(p -> {
                assertThat(gcNameOf(p)).isEqualTo(fullGc);
                assertThat(ExportedMetrics.attributes(p.getAttributesList())).containsEntry("jvm.gc.action", "end of major GC");
                assertThat(p.getAsInt()).isPositive();
            });
            assertThat(exported.points("leakwatch.gc.reclaiming.count"))
                    .anySatisfy(p -> {
                        assertThat(gcNameOf(p)).isEqualTo(fullGc);
                        assertThat(p.getAsInt()).isPositive();
                    })
                    .as("young-only collectors are never old-gen evidence")
                    .allSatisfy(p -> assertThat(gcNameOf(p)).isNotIn("PS Scavenge", "Copy"));
            assertThat(exported.points("jvm.thread.peak")).allSatisfy(p -> assertThat(p.getAsInt()).isPositive());
            assertThat(exported.points("jvm.thread.started")).allSatisfy(p -> assertThat(p.getAsInt()).isPositive());
            // 1 while listening, 0 while polled: this host's young collections may pass 5 a second with a small heap
            assertThat(exported.points("leakwatch.collector.gc.notifications")).isNotEmpty()
                    .allSatisfy(p -> assertThat(p.getAsInt()).isBetween(0L, 1L));
        }
    }

    /** With notifications off (as in a GC storm), the same GC signals come from polling the collectors. */
    @Test
    void polledCollectorsExportTheSameGcSignals() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            HostJvm.Result host = HostJvm.run("17", "-XX:+UseG1GC",
                    "otlp.endpoint=" + receiver.endpoint() + ",interval=1s,gc.notifications.max.rate=0", Map.of(), 3500);

            assertThat(host.exitCode()).as(host.stderr()).isZero();
            ExportedMetrics exported = new ExportedMetrics(receiver.received().stream().map(OtlpReceiver.Received::request).toList());
            assertThat(exported.points("leakwatch.collector.gc.notifications")).isNotEmpty()
                    .allSatisfy(p -> assertThat(p.getAsInt()).isZero());
            assertThat(exported.named("jvm.gc.duration").stream().flatMap(m -> m.getHistogram().getDataPointsList().stream())
                    .map(p -> ExportedMetrics.attributes(p.getAttributesList()).get("jvm.gc.name")))
                    .contains("G1 Young Generation", "G1 Old Generation");
            assertThat(exported.points("leakwatch.gc.old_gen.after")).anySatisfy(p -> {
                assertThat(gcNameOf(p)).isEqualTo("G1 Old Generation");
                assertThat(ExportedMetrics.attributes(p.getAttributesList())).containsEntry("jvm.gc.action", "end of major GC");
                assertThat(p.getAsInt()).isPositive();
            });
            assertThat(exported.points("leakwatch.gc.reclaiming.count"))
                    .anySatisfy(p -> {
                        assertThat(gcNameOf(p)).isEqualTo("G1 Old Generation");
                        assertThat(p.getAsInt()).isPositive();
                    });
        }
    }

    private static String gcNameOf(NumberDataPoint point) {
        return ExportedMetrics.attributes(point.getAttributesList()).get("jvm.gc.name");
    }

    static Stream<Arguments> concurrentCollectors() {
        return Stream.of(
                Arguments.of("17", "-XX:+UseShenandoahGC", "Shenandoah Cycles", "Shenandoah Pauses"),
                Arguments.of("17", "-XX:+UseZGC", "ZGC Cycles", "ZGC Pauses"),
                Arguments.of("25", "-XX:+UseZGC", "ZGC Major Cycles", "ZGC Major Pauses"));
    }

    /** ZGC and Shenandoah name collectors and pools their own way; their cycles are still old-gen evidence. */
    @ParameterizedTest(name = "JDK {0} {1}")
    @MethodSource("concurrentCollectors")
    void concurrentCollectorsExportOldGenerationEvidenceFromTheirCycles(String jdk, String gc, String cycles, String pauses)
            throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            HostJvm.Result host = HostJvm.run(jdk, gc, "otlp.endpoint=" + receiver.endpoint() + ",interval=1s", Map.of(), 2500);

            assertThat(host.exitCode()).as(host.stderr()).isZero();
            ExportedMetrics exported = new ExportedMetrics(receiver.received().stream().map(OtlpReceiver.Received::request).toList());
            assertThat(exported.points("leakwatch.gc.reclaiming.count"))
                    .anySatisfy(p -> {
                        assertThat(gcNameOf(p)).isEqualTo(cycles);
                        assertThat(p.getAsInt()).isPositive();
                    });
            assertThat(exported.points("leakwatch.gc.old_gen.after"))
                    .anySatisfy(p -> assertThat(gcNameOf(p)).isEqualTo(cycles))
                    .allSatisfy(p -> assertThat(p.getAsInt()).isPositive());
            assertThat(exported.points("leakwatch.gc.heap.after")).isNotEmpty()
                    .as("pauses carry no usage and are skipped").noneSatisfy(p -> assertThat(gcNameOf(p)).isEqualTo(pauses));
        }
    }

    @Test
    void openTelemetryEnvironmentNamesTheServiceAndAddsResourceAttributes() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            HostJvm.Result host = HostJvm.run("17", "-XX:+UseG1GC", "interval=1s,instance.id=fixed-7", Map.of(
                    "OTEL_SERVICE_NAME", "from-env",
                    "OTEL_RESOURCE_ATTRIBUTES", "deployment.environment.name=staging,team=core",
                    "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint().resolve("/").toString(),
                    "OTEL_EXPORTER_OTLP_HEADERS", "Authorization=Bearer%20t0ken"), 1500);

            assertThat(host.exitCode()).as(host.stderr()).isZero();
            assertThat(host.stderr()).doesNotContain("t0ken");
            assertThat(receiver.received()).isNotEmpty()
                    .allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer t0ken"));
            assertThat(new ExportedMetrics(receiver.received().stream().map(OtlpReceiver.Received::request).toList()).resource())
                    .containsEntry("service.name", "from-env")
                    .containsEntry("service.instance.id", "fixed-7")
                    .containsEntry("deployment.environment.name", "staging")
                    .containsEntry("team", "core");
        }
    }

    @Test
    void unreachableEndpointAndBadSettingsNeverHurtTheHost() throws Exception {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        long started = System.nanoTime();
        HostJvm.Result host = HostJvm.run("17", "-XX:+UseG1GC",
                "otlp.endpoint=http://127.0.0.1:" + closedPort + "/v1/metrics,interval=1s,exporter=carrier-pigeon,shutdown.timeout=1s",
                Map.of(), 2500);
        long tookMs = (System.nanoTime() - started) / 1_000_000;

        assertThat(host.exitCode()).as(host.stderr()).isZero();
        assertThat(host.stdout()).contains("HOST DONE");
        assertThat(host.stderr()).contains("exporter").contains("carrier-pigeon")
                .doesNotContain("Exception in thread").doesNotContain("\tat ");
        assertThat(host.stderr().lines().filter(l -> l.contains("cannot export"))).hasSizeLessThanOrEqualTo(1);
        assertThat(tookMs).as("shutdown flush is bounded").isLessThan(2500 + 10_000);
    }

    @Test
    void disabledAgentExportsNothing() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            HostJvm.Result host = HostJvm.run("25", "-XX:+UseParallelGC", "", Map.of(
                    "LEAKWATCH_ENABLED", "false", "LEAKWATCH_OTLP_ENDPOINT", receiver.endpoint().toString(),
                    "LEAKWATCH_INTERVAL", "1s"), 1500);

            assertThat(host.exitCode()).as(host.stderr()).isZero();
            assertThat(host.stderr()).contains("disabled");
            assertThat(receiver.received()).as("not even a final flush").isEmpty();
        }
    }

    @Test
    void unreachableKafkaBrokerNeverHurtsTheHost() throws Exception {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        HostJvm.Result host = HostJvm.run("25", "-XX:+UseG1GC",
                "exporter=kafka,kafka.bootstrap.servers=127.0.0.1:" + closedPort + ",interval=1s,shutdown.timeout=1s",
                Map.of(), 2500);

        assertThat(host.exitCode()).as(host.stderr()).isZero();
        assertThat(host.stdout()).contains("HOST DONE");
        assertThat(host.stderr()).doesNotContain("Exception in thread").doesNotContain("\tat ")
                .doesNotContain("ProducerConfig values");
    }

    private static String poolOf(NumberDataPoint point) {
        return ExportedMetrics.attributes(point.getAttributesList()).get("jvm.memory.pool.name");
    }
}
