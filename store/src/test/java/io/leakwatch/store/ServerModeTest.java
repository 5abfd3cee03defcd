package io.leakwatch.store;

import io.leakwatch.store.engine.ChdbEngine;
import io.leakwatch.store.http.EmbeddedHttpInterface;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;

import static io.leakwatch.store.TestRows.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Server mode (client-v2, jdbc-v2) against the embedded engine's HTTP interface. */
class ServerModeTest {
    @TempDir
    Path dir;
    Store embedded;
    EmbeddedHttpInterface http;
    Store server;

    @BeforeEach
    void start() {
        embedded = Store.open(StoreConfig.embedded(dir, ChdbLibrary.locate()));
        http = EmbeddedHttpInterface.start((ChdbEngine) embedded.engine(), 0);
        server = Store.open(StoreConfig.server("http://127.0.0.1:" + http.port(), "default", "", "default"));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (http != null) {
            http.close();
        }
        if (embedded != null) {
            embedded.close();
        }
    }

    @Test
    void writerAndQueriesWorkInServerMode() {
        assertThat(server.ready()).isTrue();
        assertThat(server.engine().mode()).isEqualTo("server");
        List<MetricRow> batch = TestRows.heap("checkout", "i-1", 20, T0);
        server.writer().write(batch, "leakwatch.metrics-3-0-19");
        server.writer().write(batch, "leakwatch.metrics-3-0-19");

        assertThat(server.queries().instances(T0, T0 + 3_600_000, 10)).singleElement()
                .satisfies(i -> assertThat(i.points()).isEqualTo(40));
        assertThat(server.queries().series("i-1", "jvm.memory.used", Map.of("jvm.memory.pool.name", "G1 Old Gen"),
                T0, T0 + 3_600_000, 1000)).hasSize(20);
        // both modes see the same data
        assertThat(embedded.queries().series("i-1", "jvm.memory.used", Map.of(), T0, T0 + 3_600_000, 1000)).hasSize(40);
    }

    @Test
    void clusteredInsertsAreSynchronousAndStillDeduplicated() {
        assertThat(io.leakwatch.store.engine.ServerEngineSettings.of("t-1", true))
                .containsEntry("distributed_foreground_insert", "1")
                .containsEntry("deduplicate_blocks_in_dependent_materialized_views", "1");
        assertThat(io.leakwatch.store.engine.ServerEngineSettings.of(null, false)).isEmpty();
        // The real engine accepts the setting on a plain table (a cluster's Distributed tables need it).
        try (var engine = io.leakwatch.store.engine.ServerEngine.open("http://127.0.0.1:" + http.port(),
                "default", "", "default", 2, true)) {
            ClickHouseMetricWriter writer = new ClickHouseMetricWriter(engine);
            List<MetricRow> batch = TestRows.heap("checkout", "i-sync", 5, T0);
            writer.write(batch, "leakwatch.metrics-9-0-4");
            writer.write(batch, "leakwatch.metrics-9-0-4");
        }
        assertThat(embedded.queries().series("i-sync", "jvm.memory.used", Map.of(), T0, T0 + 3_600_000, 1000))
                .hasSize(10);
    }

    @Test
    void aSemicolonInTheUrlQueryStaysPartOfTheSql() throws Exception {
        String sql = "SELECT 'a;b' AS s FORMAT TabSeparated";
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + http.port() + "/?query=" + java.net.URLEncoder.encode(sql, StandardCharsets.UTF_8)
                        .replace("%3B", ";"))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("a;b\n");
    }

    @Test
    void hostileStringsSurviveTheHttpRoundTrip() {
        String hostile = "x'); DROP TABLE metric_points; --\\ \"q\" \n{evil:String} \t&param_x=1 ünï%20";
        server.writer().write(List.of(MetricRow.scalar(T0, "svc", "", hostile, "m", "1", MetricKind.GAUGE,
                Map.of(hostile, hostile), 7)), null);
        assertThat(server.queries().series(hostile, "m", Map.of(hostile, hostile), T0, T0 + 1, 10)).singleElement()
                .satisfies(p -> assertThat(p.attributes()).containsExactly(Map.entry(hostile, hostile)));
        assertThat(embedded.queries().series(hostile, "m", Map.of(), T0, T0 + 1, 10)).hasSize(1);
    }

    @Test
    void serverErrorsCarryTheEngineMessageAndAreNotRetryable() {
        assertThatThrownBy(() -> server.engine().query("SELECT * FROM no_such_table", Map.of(), "JSONEachRow"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("no_such_table")
                .satisfies(e -> assertThat(((StoreException) e).retryable()).isFalse());
    }

    @Test
    void pingAndPlainHttp() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + http.port();
        assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/ping")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("Ok.\n");
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/?param_n=41&default_format=TabSeparated"))
                .POST(HttpRequest.BodyPublishers.ofString("SELECT {n:UInt8} + 1")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("42\n");
        assertThat(r.headers().firstValue("X-ClickHouse-Format")).hasValue("TabSeparated");
        HttpResponse<String> bad = client.send(HttpRequest.newBuilder(URI.create(base + "/"))
                .POST(HttpRequest.BodyPublishers.ofString("SELEC 1")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(500);
        assertThat(bad.headers().firstValue("X-ClickHouse-Exception-Code")).hasValue("62");
        assertThat(bad.body()).startsWith("Code: 62.");
    }

    @Test
    void jdbcReadsThroughTheHttpInterface() throws Exception {
        embedded.writer().write(TestRows.heap("checkout", "i-9", 3, T0), null);
        com.clickhouse.jdbc.Driver.load();
        try (Connection c = DriverManager.getConnection("jdbc:clickhouse://127.0.0.1:" + http.port()
                + "/default?compress=false", "default", "");
             PreparedStatement ps = c.prepareStatement(
                     "SELECT s.instance AS instance, count() AS n, max(p.ts) AS last FROM series_values AS p"
                             + " INNER JOIN series AS s ON p.series_id = s.series_id WHERE s.instance = ? GROUP BY instance")) {
            ps.setString(1, "i-9");
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("instance")).isEqualTo("i-9");
                assertThat(rs.getLong("n")).isEqualTo(6);
                assertThat(rs.getTimestamp("last").getTime()).isEqualTo(T0 + 20_000);
                assertThat(rs.next()).isFalse();
            }
        }
    }
}
