package io.leakwatch.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.leakwatch.testing.FreePorts;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The scaled-out shape on one machine: ingest and query-api as separate roles against a ClickHouse
 * server (here the embedded store served over ClickHouse's HTTP interface), so the server-mode path
 * (client-v2) carries real data from an OTLP request to the REST API.
 */
class ScaledOutServicesTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private Standalone server;
    private Standalone ingest;
    private Standalone api;

    @TempDir
    Path dataDir;

    @AfterEach
    void stop() {
        for (Standalone part : new Standalone[] {api, ingest, server}) {
            if (part != null) {
                part.close();
            }
        }
    }

    @Test
    void ingestAndQueryApiRolesShareAClickHouseServer() throws Exception {
        int clickhousePort = FreePorts.pick();
        server = Standalone.start(config(clickhousePort, ""), EnumSet.noneOf(Standalone.Role.class), quiet());
        String url = "http://127.0.0.1:" + clickhousePort;
        ingest = Standalone.start(config(0, url), EnumSet.of(Standalone.Role.INGEST), quiet());
        api = Standalone.start(config(0, url), EnumSet.of(Standalone.Role.QUERY_API), quiet());
        String instance = "scaled-" + UUID.randomUUID();

        HttpResponse<String> exported = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + ingest.otlpPort() + "/v1/metrics"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(otlpJson(instance, System.currentTimeMillis())))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(exported.statusCode()).as(exported.body()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> listed = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + api.httpPort() + "/api/v1/instances")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(listed.statusCode()).isEqualTo(200);
            assertThat(listed.body()).contains(instance, "\"service\":\"billing\"");
        });
    }

    @Test
    void aServiceRoleRefusesTheEmbeddedEngine() {
        LeakWatchCli.IngestCommand command = new LeakWatchCli.IngestCommand();
        new CommandLine(command).parseArgs();
        assertThatThrownBy(command::call)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--clickhouse-url");
    }

    @Test
    void anApiBeyondLoopbackWithoutTokensIsRefused() {
        StandaloneConfig open = new StandaloneConfig(dataDir, "0.0.0.0", 0, 0, 0, "", "leakwatch.metrics",
                "leakwatch-ingest", null, "", "default", "", "default", Duration.ofMinutes(60), false, "", "");
        assertThatThrownBy(() -> Standalone.start(open, EnumSet.of(Standalone.Role.QUERY_API), quiet()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("LEAKWATCH_API_TOKENS");
    }

    private StandaloneConfig config(int clickhouseHttpPort, String clickhouseUrl) {
        return new StandaloneConfig(dataDir, "127.0.0.1", 0, 0, clickhouseHttpPort, "", "leakwatch.metrics",
                "leakwatch-ingest", null, clickhouseUrl, "default", "", "default", Duration.ofMinutes(60), false, "", "");
    }

    private static String otlpJson(String instance, long nowMillis) {
        String nanos = Long.toString(nowMillis * 1_000_000L);
        return """
                {"resourceMetrics":[{"resource":{"attributes":[
                  {"key":"service.name","value":{"stringValue":"billing"}},
                  {"key":"service.instance.id","value":{"stringValue":"%s"}}]},
                 "scopeMetrics":[{"metrics":[{"name":"jvm.memory.used_after_last_gc","unit":"By",
                   "gauge":{"dataPoints":[{"timeUnixNano":"%s","asInt":"123456",
                     "attributes":[{"key":"jvm.memory.pool.name","value":{"stringValue":"G1 Old Gen"}}]}]}}]}]}]}
                """.formatted(instance, nanos);
    }

    private static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream());
    }
}
