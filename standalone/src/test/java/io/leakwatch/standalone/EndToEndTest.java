package io.leakwatch.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakwatch.demo.DemoService;
import io.leakwatch.testing.KafkaBroker;
import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The thinnest whole path, with every component real: a child JVM with the built agent attached
 * exports to Kafka (or OTLP/HTTP), the standalone's ingest writes the embedded engine, and the points
 * come back through the REST API over HTTP.
 */
class EndToEndTest {
    private static final Path AGENT_JAR = Path.of("../collector/target/leakwatch-agent.jar");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Process> hosts = new ArrayList<>();
    private Standalone standalone;

    @TempDir
    Path dataDir;

    @AfterEach
    void stop() {
        hosts.forEach(Process::destroyForcibly);
        if (standalone != null) {
            standalone.close();
        }
    }

    @Test
    void agentToKafkaToEmbeddedStoreToRestApi() throws Exception {
        KafkaBroker broker = KafkaBroker.shared();
        String topic = "e2e-metrics-" + UUID.randomUUID();
        broker.createTopic(topic, 3);
        standalone = Standalone.start(config(broker.bootstrapServers(), topic), quiet());
        String instance = "e2e-kafka-" + UUID.randomUUID();

        hosts.add(startHost(javaHome("leakwatch.jdk25.home"), instance, "exporter=kafka",
                "kafka.bootstrap.servers=" + broker.bootstrapServers(), "kafka.topic=" + topic));

        assertInstanceAndHeapAfterGcPoints(instance, "checkout");
    }

    @Test
    void agentInJdk17HostToOtlpHttpToRestApi() throws Exception {
        standalone = Standalone.start(config("", "leakwatch.metrics"), quiet());
        String instance = "e2e-otlp-" + UUID.randomUUID();

        hosts.add(startHost(javaHome("leakwatch.jdk17.home"), instance, "exporter=otlp",
                "otlp.endpoint=http://127.0.0.1:" + standalone.otlpPort() + "/v1/metrics"));

        assertInstanceAndHeapAfterGcPoints(instance, "checkout");
    }

    private void assertInstanceAndHeapAfterGcPoints(String instance, String service) throws Exception {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            JsonNode instances = get("/api/v1/instances");
            assertThat(instances.findValuesAsText("instance")).contains(instance);
        });
        JsonNode listed = find(get("/api/v1/instances"), instance);
        assertThat(listed.get("service").asText()).isEqualTo(service);
        assertThat(listed.get("version").asText()).isEqualTo("1.5.0");

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            JsonNode series = get("/api/v1/series?instance=" + encode(instance)
                    + "&metric=jvm.memory.used_after_last_gc&from=now-10m");
            assertThat(series.get("series")).isNotEmpty();
            JsonNode first = series.get("series").get(0);
            assertThat(first.get("attributes").has("jvm.memory.pool.name")).isTrue();
            assertThat(first.get("points")).isNotEmpty();
        });

        // Seconds of data prove nothing yet: the analysis must say so per signal, not fail or guess.
        JsonNode analysis = get("/api/v1/instances/" + encode(instance) + "/analysis?window=30m");
        assertThat(analysis.get("signals").findValuesAsText("signal")).contains("heap", "threads", "classes");
        assertThat(analysis.get("signals").findValuesAsText("verdict")).doesNotContain("leak");
        assertThat(get("/api/v1/leaks?window=30m").get("items").findValuesAsText("instance")).doesNotContain(instance);
    }

    private StandaloneConfig config(String kafka, String topic) {
        return new StandaloneConfig(dataDir, "127.0.0.1", 0, 0, 0, kafka, topic, "e2e-" + UUID.randomUUID(),
                null, "", "default", "", "default", Duration.ofMinutes(10), false, "", "");
    }

    private Process startHost(Path javaHome, String instance, String... exporterArgs) throws IOException {
        assertThat(AGENT_JAR).as("agent jar (built by the collector module)").isRegularFile();
        List<String> agentArgs = new ArrayList<>(List.of("service.name=checkout", "service.version=1.5.0",
                "instance.id=" + instance, "interval=1s"));
        agentArgs.addAll(List.of(exporterArgs));
        Path log = Files.createTempFile(dataDir, "host-", ".log");
        return new ProcessBuilder(javaHome.resolve("bin/java").toString(), "-Xmx128m", "-XX:+UseG1GC",
                "-javaagent:" + AGENT_JAR.toAbsolutePath() + "=" + String.join(",", agentArgs),
                "-cp", demoClasspath(), DemoService.class.getName(), "leak-kb-per-s=256", "duration=5m")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    private static Path javaHome(String property) {
        String home = System.getProperty(property);
        return home == null || home.isBlank() ? Path.of(System.getProperty("java.home")) : Path.of(home);
    }

    private static String demoClasspath() throws IOException {
        try {
            return Path.of(DemoService.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + standalone.httpPort() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + " -> " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static JsonNode find(JsonNode instances, String instance) {
        for (JsonNode node : instances) {
            if (node.get("instance").asText().equals(instance)) {
                return node;
            }
        }
        throw new AssertionError("instance " + instance + " not listed in " + instances);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream());
    }
}
