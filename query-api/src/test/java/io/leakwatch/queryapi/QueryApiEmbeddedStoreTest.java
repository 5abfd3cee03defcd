package io.leakwatch.queryapi;

import io.leakwatch.store.ChdbLibrary;
import io.leakwatch.store.MetricKind;
import io.leakwatch.store.MetricRow;
import io.leakwatch.store.Store;
import io.leakwatch.store.StoreConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The separate query-api service ({@link QueryApiVerticle}) over the real embedded store: rows written with
 * the store's writer come back through real HTTP.
 */
@ExtendWith(VertxExtension.class)
class QueryApiEmbeddedStoreTest {

    /** An hour ago on a whole minute: recent, because the store's TTL drops points older than 30 days. */
    private static final long T0 = (System.currentTimeMillis() / 60_000) * 60_000 - 3_600_000;
    private static final String HEAP_AFTER_GC = "jvm.memory.used_after_last_gc";
    private static final int POINTS = 30;

    @TempDir
    Path dataDir;
    private Store store;
    private WebClient client;
    private int port;

    @BeforeEach
    void start(Vertx vertx, VertxTestContext ctx) {
        store = Store.open(StoreConfig.embedded(dataDir, ChdbLibrary.locate()));
        store.writer().write(rows("checkout", "i-1", "2.0.0"), "api-test-i-1");
        store.writer().write(rows("cart", "i-2", "1.1.0"), "api-test-i-2");
        QueryApiVerticle verticle = new QueryApiVerticle(store.queries(), store::ready);
        vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(new JsonObject().put("port", 0)))
                .onComplete(ctx.succeeding(id -> {
                    client = WebClient.create(vertx);
                    port = verticle.actualPort();
                    ctx.completeNow();
                }));
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (store != null) {
            store.close();
        }
    }

    /** POINTS points 10 s apart for two pools; the old generation's floor grows 1 KiB per point. */
    private static List<MetricRow> rows(String service, String instance, String version) {
        List<MetricRow> rows = new ArrayList<>();
        for (int i = 0; i < POINTS; i++) {
            long t = T0 + i * 10_000L;
            rows.add(row(service, instance, version, t, "G1 Old Gen", 50_000_000 + i * 1024.0));
            rows.add(row(service, instance, version, t, "G1 Eden Space", 0));
        }
        return rows;
    }

    private static MetricRow row(String service, String instance, String version, long t, String pool, double v) {
        return new MetricRow(t, 0, service, version, instance, "host-" + instance, "prod",
                Map.of("service.name", service, "service.instance.id", instance), HEAP_AFTER_GC, "By",
                MetricKind.GAUGE, false, false, Map.of("jvm.memory.type", "heap", "jvm.memory.pool.name", pool),
                v, 0, Double.NaN, Double.NaN, List.of(), List.of());
    }

    @Test
    void writtenRowsComeBackThroughTheApi(VertxTestContext ctx) {
        String range = "from=" + T0 + "&to=" + (T0 + 3_600_000);
        client.get(port, "127.0.0.1", "/api/v1/instances?" + range).send()
                .compose(resp -> {
                    ctx.verify(() -> {
                        assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(200);
                        JsonArray list = resp.bodyAsJsonArray();
                        assertThat(list).hasSize(2);
                        JsonObject checkout = list.stream().map(JsonObject.class::cast)
                                .filter(o -> o.getString("instance").equals("i-1")).findFirst().orElseThrow();
                        assertThat(checkout.getString("service")).isEqualTo("checkout");
                        assertThat(checkout.getString("version")).isEqualTo("2.0.0");
                        assertThat(checkout.getString("host")).isEqualTo("host-i-1");
                        assertThat(checkout.getString("environment")).isEqualTo("prod");
                        assertThat(checkout.getString("firstSeen")).isEqualTo(Instant.ofEpochMilli(T0).toString());
                        assertThat(checkout.getString("lastSeen"))
                                .isEqualTo(Instant.ofEpochMilli(T0 + (POINTS - 1) * 10_000L).toString());
                        assertThat(checkout.getLong("points")).isEqualTo(2L * POINTS);
                    });
                    return client.get(port, "127.0.0.1", "/api/v1/series?instance=i-1&metric=" + HEAP_AFTER_GC
                            + "&" + range).send();
                })
                .compose(resp -> {
                    ctx.verify(() -> {
                        assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(200);
                        JsonArray series = resp.bodyAsJsonObject().getJsonArray("series");
                        assertThat(series).hasSize(2);
                        assertThat(series.stream().map(s -> ((JsonObject) s).getJsonObject("attributes")
                                .getString("jvm.memory.pool.name"))).containsExactlyInAnyOrder("G1 Old Gen", "G1 Eden Space");
                        for (Object s : series) {
                            assertThat(((JsonObject) s).getJsonArray("points")).hasSize(POINTS);
                        }
                    });
                    return client.get(port, "127.0.0.1", "/api/v1/series?instance=i-1&metric=" + HEAP_AFTER_GC
                            + "&attr.jvm.memory.pool.name=" + URLEncoder.encode("G1 Old Gen", StandardCharsets.UTF_8)
                            + "&" + range).send();
                })
                .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
                    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(200);
                    JsonArray series = resp.bodyAsJsonObject().getJsonArray("series");
                    assertThat(series).hasSize(1);
                    JsonArray points = series.getJsonObject(0).getJsonArray("points");
                    assertThat(points).hasSize(POINTS);
                    assertThat(points.getJsonArray(0).getLong(0)).isEqualTo(T0);
                    assertThat(points.getJsonArray(0).getDouble(1)).isEqualTo(50_000_000.0);
                    assertThat(points.getJsonArray(POINTS - 1).getLong(0)).isEqualTo(T0 + (POINTS - 1) * 10_000L);
                    assertThat(points.getJsonArray(POINTS - 1).getDouble(1)).isEqualTo(50_000_000.0 + (POINTS - 1) * 1024.0);
                    ctx.completeNow();
                })));
    }

    @Test
    void readinessReflectsTheRealStore(VertxTestContext ctx) {
        client.get(port, "127.0.0.1", "/health/ready").send()
                .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
                    assertThat(resp.statusCode()).isEqualTo(200);
                    assertThat(resp.bodyAsJsonObject().getString("status")).isEqualTo("UP");
                    ctx.completeNow();
                })));
    }
}
