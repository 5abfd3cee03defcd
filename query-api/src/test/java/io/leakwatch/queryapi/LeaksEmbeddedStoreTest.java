package io.leakwatch.queryapi;

import io.leakwatch.store.SyntheticJvm;
import io.leakwatch.store.ChdbLibrary;
import io.leakwatch.store.ClickHouseSignalQueries;
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

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The leak endpoints end to end: synthetic agent rows written through the real embedded store, reduced by
 * its SQL, judged by the analysis, served over real HTTP by {@link QueryApiVerticle}.
 */
@ExtendWith(VertxExtension.class)
class LeaksEmbeddedStoreTest {

    private static final double MB = SyntheticJvm.MB;
    /** Three hours of 10 s scrapes ending a minute ago. */
    private static final int SCRAPES = 3 * 360;
    private static final long START = (System.currentTimeMillis() / 60_000) * 60_000 - SCRAPES * 10_000L - 60_000;

    @TempDir
    Path dataDir;
    private Store store;
    private WebClient client;
    private int port;

    @BeforeEach
    void start(Vertx vertx, VertxTestContext ctx) {
        store = Store.open(StoreConfig.embedded(dataDir, ChdbLibrary.locate()));
        store.writer().write(new SyntheticJvm("checkout", "1.4", "leaky-1", 50 * MB).rows(START, SCRAPES), null);
        store.writer().write(new SyntheticJvm("checkout", "1.4", "healthy-1", 0).rows(START, SCRAPES), null);
        QueryApiVerticle verticle = new QueryApiVerticle(store.queries(),
                new ClickHouseSignalQueries(store.engine()), store::ready);
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

    @Test
    void leakingInstanceIsRankedFirstWithItsSlopeAndTheHealthyOneIsAbsent(VertxTestContext ctx) {
        client.get(port, "127.0.0.1", "/api/v1/leaks").send().onComplete(ctx.succeeding(res -> ctx.verify(() -> {
            assertThat(res.statusCode()).isEqualTo(200);
            JsonObject body = res.bodyAsJsonObject();
            assertThat(body.getString("window")).isEqualTo("6h");
            // the healthy instance's floors are flat: screened out, never analysed in full
            assertThat(body.getInteger("instancesScreened")).isEqualTo(2);
            assertThat(body.getInteger("instancesAnalysed")).isEqualTo(1);
            assertThat(body.getBoolean("truncated")).isFalse();
            JsonArray items = body.getJsonArray("items");
            assertThat(items).isNotEmpty();
            JsonObject first = items.getJsonObject(0);
            assertThat(first.getString("instance")).isEqualTo("leaky-1");
            assertThat(first.getString("service")).isEqualTo("checkout");
            assertThat(first.getString("version")).isEqualTo("1.4");
            assertThat(first.getString("signal")).isEqualTo("heap");
            assertThat(first.getString("verdict")).isIn("leak", "growing");
            assertThat(first.getString("unit")).isEqualTo("bytes");
            assertThat(first.getDouble("slopePerHour")).isCloseTo(50 * MB, within(10 * MB));
            assertThat(first.getLong("timeToExhaustionSeconds")).isPositive();
            assertThat(first.getString("since")).isNotNull();
            assertThat(first.getString("message")).contains("/h");
            assertThat(first.getJsonObject("links").getString("evidence"))
                    .isEqualTo("/api/v1/instances/leaky-1/analysis?window=6h");
            for (Object o : items) {
                assertThat(((JsonObject) o).getString("instance")).isNotEqualTo("healthy-1");
            }
            assertThat(first.getString("environment")).isEmpty();
            ctx.completeNow();
        })));
    }

    @Test
    void theRankingsVerdictIsTheInstanceAnalysisVerdictAndTheEnvironmentFilters(VertxTestContext ctx) {
        client.get(port, "127.0.0.1", "/api/v1/leaks").send()
                .compose(leaks -> client.get(port, "127.0.0.1", "/api/v1/instances/leaky-1/analysis").send()
                        .map(analysis -> {
                            ctx.verify(() -> {
                                JsonObject suspect = leaks.bodyAsJsonObject().getJsonArray("items").getJsonObject(0);
                                JsonObject heap = analysis.bodyAsJsonObject().getJsonArray("signals").stream()
                                        .map(JsonObject.class::cast).filter(o -> o.getString("signal").equals("heap"))
                                        .findFirst().orElseThrow();
                                assertThat(suspect.getString("verdict")).isEqualTo(heap.getString("verdict"));
                                assertThat(suspect.getInteger("confidence")).isEqualTo(heap.getInteger("confidence"));
                                assertThat(suspect.getDouble("slopePerHour")).isEqualTo(heap.getDouble("slopePerHour"));
                                assertThat(analysis.bodyAsJsonObject().getString("environment")).isEmpty();
                            });
                            return analysis;
                        }))
                .compose(r -> client.get(port, "127.0.0.1", "/api/v1/leaks?environment=prod").send())
                .onComplete(ctx.succeeding(res -> ctx.verify(() -> {
                    assertThat(res.statusCode()).isEqualTo(200);
                    assertThat(res.bodyAsJsonObject().getInteger("instancesScreened")).isZero();
                    assertThat(res.bodyAsJsonObject().getString("environment")).isEqualTo("prod");
                    assertThat(res.bodyAsJsonObject().getJsonArray("items")).isEmpty();
                    ctx.completeNow();
                })));
    }

    @Test
    void instanceAnalysisCarriesEveryProvenSignalWithEvidence(VertxTestContext ctx) {
        client.get(port, "127.0.0.1", "/api/v1/instances/healthy-1/analysis?window=4h").send()
                .compose(res -> {
                    ctx.verify(() -> {
                        assertThat(res.statusCode()).isEqualTo(200);
                        JsonObject body = res.bodyAsJsonObject();
                        assertThat(body.getString("service")).isEqualTo("checkout");
                        assertThat(body.getInteger("reclaimingCollections")).isGreaterThan(10);
                        JsonArray signals = body.getJsonArray("signals");
                        assertThat(signals.stream().map(o -> ((JsonObject) o).getString("signal")))
                                .containsExactly("heap", "metaspace", "classes", "threads", "direct", "native", "fds", "gc");
                        for (Object o : signals) {
                            JsonObject s = (JsonObject) o;
                            assertThat(s.getString("verdict")).as(s.encode()).isIn("ok", "insufficient_data");
                        }
                        JsonObject heap = signals.getJsonObject(0);
                        assertThat(heap.getString("series")).isEqualTo("heap.used_floor");
                        assertThat(heap.getJsonObject("evidence").getJsonArray("points")).isNotEmpty();
                    });
                    return client.get(port, "127.0.0.1", "/api/v1/instances/leaky-1/analysis").send();
                })
                .compose(res -> {
                    ctx.verify(() -> {
                        JsonObject heap = res.bodyAsJsonObject().getJsonArray("signals").getJsonObject(0);
                        assertThat(heap.getString("series")).isEqualTo("heap.after_gc");
                        assertThat(heap.getJsonObject("evidence").getJsonObject("fit").getDouble("slopePerHour"))
                                .isCloseTo(50 * MB, within(10 * MB));
                    });
                    return client.get(port, "127.0.0.1", "/api/v1/instances/nope/analysis").send();
                })
                .compose(res -> {
                    ctx.verify(() -> {
                        assertThat(res.statusCode()).isEqualTo(404);
                        assertThat(res.bodyAsJsonObject().getString("error")).isEqualTo("not_found");
                    });
                    return client.get(port, "127.0.0.1", "/api/v1/services?from=-6h").send();
                })
                .onComplete(ctx.succeeding(res -> ctx.verify(() -> {
                    JsonArray services = res.bodyAsJsonArray();
                    assertThat(services).hasSize(1);
                    assertThat(services.getJsonObject(0).getInteger("instances")).isEqualTo(2);
                    assertThat(services.getJsonObject(0).getJsonArray("versions").getJsonObject(0).getString("version"))
                            .isEqualTo("1.4");
                    ctx.completeNow();
                })));
    }
}
