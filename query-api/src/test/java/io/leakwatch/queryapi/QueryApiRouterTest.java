package io.leakwatch.queryapi;

import io.leakwatch.store.InstanceInfo;
import io.leakwatch.store.SeriesPoint;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The router over real HTTP on a free loopback port, with a fake store behind it. */
@ExtendWith(VertxExtension.class)
class QueryApiRouterTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final long NOW_MS = NOW.toEpochMilli();
    private static final String HEAP_AFTER_GC = "jvm.memory.used_after_last_gc";
    private static final Map<String, String> OLD = Map.of("jvm.memory.pool.name", "G1 Old Gen", "jvm.memory.type", "heap");
    private static final Map<String, String> EDEN = Map.of("jvm.memory.pool.name", "G1 Eden Space", "jvm.memory.type", "heap");

    private final FakeMetricQueries store = new FakeMetricQueries();
    private final AtomicBoolean ready = new AtomicBoolean(true);
    private WebClient client;

    @BeforeEach
    void startServer(Vertx vertx, VertxTestContext ctx) {
        QueryApiConfig config = QueryApiConfig.defaults().withPort(0);
        vertx.createHttpServer()
                .requestHandler(QueryApiRouter.create(vertx, config, store, ready::get, Clock.fixed(NOW, ZoneOffset.UTC)))
                .listen(0, "127.0.0.1")
                .onComplete(ctx.succeeding(server -> {
                    client = WebClient.create(vertx, new WebClientOptions()
                            .setDefaultHost("127.0.0.1").setDefaultPort(server.actualPort()));
                    ctx.completeNow();
                }));
    }

    @AfterEach
    void closeClient() {
        if (client != null) {
            client.close();
        }
    }

    private void get(VertxTestContext ctx, String uri, Consumer<HttpResponse<Buffer>> assertions) {
        client.get(uri).send().onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
            assertions.accept(resp);
            ctx.completeNow();
        })));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void assertJson(HttpResponse<Buffer> resp, int status) {
        assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(status);
        assertThat(resp.getHeader("Content-Type")).startsWith("application/json");
    }

    @Test
    void instancesListsWhatTheStoreReturnsWithIsoTimesOverTheLastHourByDefault(VertxTestContext ctx) {
        store.instances = List.of(new InstanceInfo("i-1", "checkout", "1.4.2", "host-a", "prod",
                NOW_MS - 3_000_000, NOW_MS - 5_000, 1234));
        get(ctx, "/api/v1/instances", resp -> {
            assertJson(resp, 200);
            assertThat(resp.bodyAsJsonArray()).isEqualTo(new JsonArray().add(new JsonObject()
                    .put("instance", "i-1").put("service", "checkout").put("version", "1.4.2")
                    .put("host", "host-a").put("environment", "prod")
                    .put("firstSeen", "2026-03-01T11:10:00Z").put("lastSeen", "2026-03-01T11:59:55Z")
                    .put("points", 1234)));
            assertThat(store.instancesCalls).containsExactly(
                    new FakeMetricQueries.InstancesCall(NOW_MS - 3_600_000, NOW_MS, 500));
        });
    }

    @Test
    void instancesFilterByEnvironment(VertxTestContext ctx) {
        store.instances = List.of(
                new InstanceInfo("i-1", "checkout", "1.4.2", "host-a", "prod", NOW_MS - 3_000_000, NOW_MS - 5_000, 1),
                new InstanceInfo("i-2", "checkout", "1.4.2", "host-b", "staging", NOW_MS - 3_000_000, NOW_MS - 5_000, 1));
        get(ctx, "/api/v1/instances?environment=staging", resp -> {
            assertJson(resp, 200);
            assertThat(resp.bodyAsJsonArray()).hasSize(1);
            assertThat(resp.bodyAsJsonArray().getJsonObject(0).getString("instance")).isEqualTo("i-2");
            assertThat(resp.bodyAsJsonArray().getJsonObject(0).getString("environment")).isEqualTo("staging");
        });
    }

    @Test
    void instancesPassesRangeAndLimit(VertxTestContext ctx) {
        get(ctx, "/api/v1/instances?from=now-6h&to=" + enc("2026-03-01T11:00:00Z") + "&limit=7", resp -> {
            assertJson(resp, 200);
            assertThat(resp.bodyAsJsonArray()).isEmpty();
            assertThat(store.instancesCalls).containsExactly(
                    new FakeMetricQueries.InstancesCall(NOW_MS - 6 * 3_600_000, NOW_MS - 3_600_000, 7));
        });
    }

    @Test
    void seriesGroupsPointsByAttributeSet(VertxTestContext ctx) {
        store.points = List.of(
                new SeriesPoint(EDEN, NOW_MS - 20_000, 1.0),
                new SeriesPoint(EDEN, NOW_MS - 10_000, 2.0),
                new SeriesPoint(OLD, NOW_MS - 20_000, 100.0),
                new SeriesPoint(OLD, NOW_MS - 10_000, 150.5));
        get(ctx, "/api/v1/series?instance=i-1&metric=" + HEAP_AFTER_GC + "&from=1772359200000&to=now", resp -> {
            assertJson(resp, 200);
            JsonObject body = resp.bodyAsJsonObject();
            assertThat(body.getString("instance")).isEqualTo("i-1");
            assertThat(body.getString("metric")).isEqualTo(HEAP_AFTER_GC);
            assertThat(body.getString("from")).isEqualTo("2026-03-01T10:00:00Z");
            assertThat(body.getString("to")).isEqualTo("2026-03-01T12:00:00Z");
            assertThat(body.getBoolean("truncated")).isFalse();
            assertThat(body.getJsonArray("series")).isEqualTo(new JsonArray()
                    .add(new JsonObject()
                            .put("attributes", new JsonObject().put("jvm.memory.pool.name", "G1 Eden Space")
                                    .put("jvm.memory.type", "heap"))
                            .put("points", new JsonArray()
                                    .add(new JsonArray().add(NOW_MS - 20_000).add(1.0))
                                    .add(new JsonArray().add(NOW_MS - 10_000).add(2.0))))
                    .add(new JsonObject()
                            .put("attributes", new JsonObject().put("jvm.memory.pool.name", "G1 Old Gen")
                                    .put("jvm.memory.type", "heap"))
                            .put("points", new JsonArray()
                                    .add(new JsonArray().add(NOW_MS - 20_000).add(100.0))
                                    .add(new JsonArray().add(NOW_MS - 10_000).add(150.5)))));
            assertThat(store.seriesCalls).containsExactly(new FakeMetricQueries.SeriesCall(
                    "i-1", HEAP_AFTER_GC, Map.of(), NOW_MS - 7_200_000, NOW_MS, 10_000));
        });
    }

    @Test
    void seriesPassesAttributeFiltersAndLimit(VertxTestContext ctx) {
        store.points = List.of(new SeriesPoint(EDEN, NOW_MS - 20_000, 1.0),
                new SeriesPoint(OLD, NOW_MS - 20_000, 100.0),
                new SeriesPoint(OLD, NOW_MS - 10_000, 101.0));
        get(ctx, "/api/v1/series?instance=i-1&metric=" + HEAP_AFTER_GC
                + "&attr.jvm.memory.pool.name=" + enc("G1 Old Gen") + "&attr.jvm.memory.type=heap&limit=1", resp -> {
            assertJson(resp, 200);
            JsonObject body = resp.bodyAsJsonObject();
            assertThat(body.getBoolean("truncated")).isTrue();
            assertThat(body.getJsonArray("series")).hasSize(1);
            assertThat(body.getJsonArray("series").getJsonObject(0).getJsonArray("points")).hasSize(1);
            assertThat(store.seriesCalls).containsExactly(new FakeMetricQueries.SeriesCall("i-1", HEAP_AFTER_GC,
                    Map.of("jvm.memory.pool.name", "G1 Old Gen", "jvm.memory.type", "heap"),
                    NOW_MS - 3_600_000, NOW_MS, 1));
        });
    }

    @ParameterizedTest(name = "{0} -> 400 naming {1}")
    @CsvSource(delimiter = '|', value = {
            "/api/v1/series?metric=jvm.memory.used                                | instance",
            "/api/v1/series?instance=i-1                                          | metric",
            "/api/v1/series?instance=&metric=jvm.memory.used                      | instance",
            "/api/v1/series?instance=i-1&metric=jvm.memory.used%27%3B+DROP+TABLE+x | metric",
            "/api/v1/series?instance=i-1&metric=1jvm                              | metric",
            "/api/v1/series?instance=i-1&metric=jvm.x&from=now&to=now-1h          | from",
            "/api/v1/series?instance=i-1&metric=jvm.x&from=now-1h&to=now-1h       | from",
            "/api/v1/series?instance=i-1&metric=jvm.x&from=now-32d                | from",
            "/api/v1/series?instance=i-1&metric=jvm.x&from=tuesday                | from",
            "/api/v1/series?instance=i-1&metric=jvm.x&to=later                    | to",
            "/api/v1/series?instance=i-1&metric=jvm.x&limit=0                     | limit",
            "/api/v1/series?instance=i-1&metric=jvm.x&limit=100001                | limit",
            "/api/v1/series?instance=i-1&metric=jvm.x&limit=ten                   | limit",
            "/api/v1/series?instance=i-1&metric=jvm.x&limit=99999999999999        | limit",
            "/api/v1/series?instance=i-1&metric=jvm.x&attr.a=1&attr.b=2&attr.c=3&attr.d=4&attr.e=5&attr.f=6&attr.g=7&attr.h=8&attr.i=9 | attr.i",
            "/api/v1/series?instance=i-1&metric=jvm.x&attr.=1                     | attr.",
            "/api/v1/series?instance=i-1&metric=jvm.x&attr.a%3Bb=1                | attr.a;b",
            "/api/v1/series?instance=i-1&metric=jvm.x&metric=jvm.y                | metric",
            "/api/v1/series?instance=i-1&metric=jvm.x&instnace=i-2                | instnace",
            "/api/v1/instances?from=now-1h&to=now-2h                              | from",
            "/api/v1/instances?limit=5001                                         | limit",
            "/api/v1/instances?limit=-1                                           | limit",
            "/api/v1/instances?from=now-40d&to=now                                | from",
            "/api/v1/instances?environment=                                       | environment",
            "/api/v1/instances?to=1970-01-01T00:00:00Z                            | to",
    })
    void badParametersAre400WithAJsonBodyNamingTheParameter(String uri, String parameter, VertxTestContext ctx) {
        get(ctx, uri, resp -> {
            assertJson(resp, 400);
            JsonObject body = resp.bodyAsJsonObject();
            assertThat(body.getString("error")).isEqualTo("bad_parameter");
            assertThat(body.getString("parameter")).isEqualTo(parameter);
            assertThat(body.getString("detail")).isNotBlank();
            assertThat(store.seriesCalls).isEmpty();
            assertThat(store.instancesCalls).isEmpty();
        });
    }

    @Test
    void overlongInstanceIs400(VertxTestContext ctx) {
        get(ctx, "/api/v1/series?metric=jvm.x&instance=" + "i".repeat(257), resp -> {
            assertJson(resp, 400);
            assertThat(resp.bodyAsJsonObject().getString("parameter")).isEqualTo("instance");
        });
    }

    @Test
    void unknownApiRouteIs404Json(VertxTestContext ctx) {
        get(ctx, "/api/v1/nothing-here", resp -> {
            assertJson(resp, 404);
            assertThat(resp.bodyAsJsonObject().getString("error")).isEqualTo("not_found");
            assertThat(resp.bodyAsJsonObject().getString("detail")).contains("/api/v1/nothing-here");
        });
    }

    @Test
    void malformedQueryStringIs400Json(VertxTestContext ctx) {
        get(ctx, "/api/v1/series?instance=%zz&metric=jvm.x", resp -> {
            assertJson(resp, 400);
            assertThat(resp.bodyAsJsonObject().getString("error")).isIn("bad_request", "bad_parameter");
            assertThat(store.seriesCalls).isEmpty();
        });
    }

    @Test
    void otherMethodsOnApiPathsAreJsonErrors(VertxTestContext ctx) {
        client.post("/api/v1/instances").send().onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
            assertJson(resp, 404);
            assertThat(resp.bodyAsJsonObject().getString("detail")).contains("POST /api/v1/instances");
            ctx.completeNow();
        })));
    }

    @Test
    void storeFailureIs500JsonWithoutTheStoreMessage(VertxTestContext ctx) {
        store.fail = true;
        get(ctx, "/api/v1/series?instance=i-1&metric=" + HEAP_AFTER_GC, resp -> {
            assertJson(resp, 500);
            JsonObject body = resp.bodyAsJsonObject();
            assertThat(body.getString("error")).isEqualTo("internal_error");
            assertThat(body.getString("detail")).matches("the request failed; error id [0-9a-f]{8} is in the server log");
            assertThat(resp.bodyAsString()).doesNotContain("SELECT", "leak_table", "/var/lib", "Exception", "at io.");
        });
    }

    @Test
    void instancesStoreFailureIs500Json(VertxTestContext ctx) {
        store.fail = true;
        get(ctx, "/api/v1/instances", resp -> {
            assertJson(resp, 500);
            assertThat(resp.bodyAsString()).doesNotContain("SELECT");
        });
    }

    @Test
    void liveIsAlwaysUp(VertxTestContext ctx) {
        ready.set(false);
        get(ctx, "/health/live", resp -> {
            assertJson(resp, 200);
            assertThat(resp.bodyAsJsonObject().getString("status")).isEqualTo("UP");
        });
    }

    @Test
    void readyFollowsTheStore(Vertx vertx, VertxTestContext ctx) {
        client.get("/health/ready").send()
                .compose(up -> {
                    ctx.verify(() -> {
                        assertJson(up, 200);
                        assertThat(up.bodyAsJsonObject().getString("status")).isEqualTo("UP");
                    });
                    ready.set(false);
                    return client.get("/health/ready").send();
                })
                .onComplete(ctx.succeeding(down -> ctx.verify(() -> {
                    assertJson(down, 503);
                    assertThat(down.bodyAsJsonObject().getString("status")).isEqualTo("DOWN");
                    ctx.completeNow();
                })));
    }

    @Test
    void rootServesTheWebUi(VertxTestContext ctx) {
        get(ctx, "/", resp -> {
            assertThat(resp.statusCode()).isEqualTo(200);
            assertThat(resp.getHeader("Content-Type")).startsWith("text/html");
            assertThat(resp.bodyAsString()).contains("<title>LeakWatch</title>", "app.js");
        });
    }

    @Test
    void uiScriptIsServed(VertxTestContext ctx) {
        get(ctx, "/app.js", resp -> {
            assertThat(resp.statusCode()).isEqualTo(200);
            assertThat(resp.getHeader("Content-Type")).contains("javascript");
            assertThat(resp.bodyAsString()).contains("/api/v1/instances", "jvm.memory.used_after_last_gc");
        });
    }

    @Test
    void openApiDocumentIsServed(VertxTestContext ctx) {
        get(ctx, "/api/v1/openapi.json", resp -> {
            assertJson(resp, 200);
            assertThat(resp.bodyAsJsonObject().getString("openapi")).startsWith("3.1");
        });
    }

    @Test
    void slowStoreGets503(Vertx vertx, VertxTestContext ctx) {
        QueryApiConfig config = new QueryApiConfig("127.0.0.1", 0, Duration.ofHours(1), Duration.ofDays(1),
                10, 10, 10, 10, 1, Duration.ofMillis(200));
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        io.leakwatch.store.MetricQueries blocking = new io.leakwatch.store.MetricQueries() {
            @Override
            public List<InstanceInfo> instances(long f, long t, int l) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return List.of();
            }

            @Override
            public List<SeriesPoint> series(String i, String m, Map<String, String> a, long f, long t, int l) {
                return store.series(i, m, a, f, t, l);
            }
        };
        vertx.createHttpServer()
                .requestHandler(QueryApiRouter.create(vertx, config, blocking, () -> true))
                .listen(0, "127.0.0.1")
                .compose(server -> client.get(server.actualPort(), "127.0.0.1", "/api/v1/instances").send())
                .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
                    release.countDown();
                    assertJson(resp, 503);
                    assertThat(resp.bodyAsJsonObject().getString("error")).isEqualTo("unavailable");
                    ctx.completeNow();
                })));
    }
}
