package io.leakwatch.queryapi;

import io.leakwatch.store.jfr.Attribution;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /api/v1/instances/{id}/attribution} over real HTTP with a fake JFR source: ranges, validation, 404, JSON. */
@ExtendWith(VertxExtension.class)
class AttributionApiTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final long END = NOW.toEpochMilli();
    private static final long HOUR = 3_600_000L;

    /** Each call's arguments: instance, from, to, baselineFrom, baselineTo, maxClasses. */
    private final List<List<Object>> calls = new CopyOnWriteArrayList<>();
    private WebClient client;
    private WebClient bare;

    private Attribution fake(String instance, long from, long to, long bFrom, long bTo, int max) {
        calls.add(List.of(instance, from, to, bFrom, bTo, max));
        if (!instance.startsWith("i-")) {
            return new Attribution(instance, from, to, bFrom, bTo, 0, 0, List.of());
        }
        if (instance.equals("i-elsewhere") && to - from < 100 * 24 * HOUR) {
            return new Attribution(instance, from, to, bFrom, bTo, 0, 0, List.of());
        }
        Attribution.RefNode tree = new Attribution.RefNode("com.shop.Session", 44, List.of(
                new Attribution.RefNode("GC root: Class Loader Data / Global Object Handle", 44, List.of(
                        new Attribution.RefNode("java.util.HashMap via SESSIONS", 44, List.of())))));
        return new Attribution(instance, from, to, bFrom, bTo, 2, 2, List.of(new Attribution.ClassGrowth(
                "com.shop.Session", 88, 4, 44.0, 2.0, 0.8, 0.1,
                List.of(new Attribution.StackCount(-1L, 66, 0, List.of("com.shop.SessionCache.open(SessionCache.java:42)"))),
                List.of(new Attribution.StackCount(0x2cL, 2, 6_000_000, List.of("com.shop.Session.<init>(Session.java:3)"))),
                tree)));
    }

    @BeforeEach
    void start(Vertx vertx, VertxTestContext ctx) {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        QueryApiConfig config = QueryApiConfig.defaults();
        Future<Integer> full = vertx.createHttpServer()
                .requestHandler(QueryApiRouter.create(vertx, config, new FakeMetricQueries(), new FakeSignalQueries(),
                        null, null, (AttributionSource) this::fake, () -> true, clock))
                .listen(0, "127.0.0.1").map(s -> s.actualPort());
        Future<Integer> none = vertx.createHttpServer()
                .requestHandler(QueryApiRouter.create(vertx, config, new FakeMetricQueries(), () -> true))
                .listen(0, "127.0.0.1").map(s -> s.actualPort());
        Future.all(full, none).onComplete(ctx.succeeding(all -> {
            client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(full.result()));
            bare = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(none.result()));
            ctx.completeNow();
        }));
    }

    @Test
    void defaultsAreTheLastHourAgainstTheHourBeforeAndTheJsonCarriesStacksAndTree(VertxTestContext ctx) {
        client.get("/api/v1/instances/i-1/attribution").send().onComplete(ctx.succeeding(res -> ctx.verify(() -> {
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(calls).containsExactly(List.of("i-1", END - HOUR, END, END - 2 * HOUR, END - HOUR, 20));
            JsonObject body = res.bodyAsJsonObject();
            assertThat(body.getString("from")).isEqualTo("2026-03-01T11:00:00Z");
            assertThat(body.getString("baselineFrom")).isEqualTo("2026-03-01T10:00:00Z");
            assertThat(body.getLong("snapshots")).isEqualTo(2);
            JsonObject session = body.getJsonArray("classes").getJsonObject(0);
            assertThat(session.getString("className")).isEqualTo("com.shop.Session");
            assertThat(session.getLong("samples")).isEqualTo(88);
            assertThat(session.getDouble("growthPerSnapshot")).isEqualTo(42.0);
            assertThat(session.getDouble("share")).isEqualTo(0.8);
            assertThat(session.getBoolean("newSinceBaseline")).isFalse();
            JsonObject old = session.getJsonArray("oldObjectStacks").getJsonObject(0);
            assertThat(old.getString("stackHash")).isEqualTo("ffffffffffffffff");
            assertThat(old.getJsonArray("frames").getString(0)).isEqualTo("com.shop.SessionCache.open(SessionCache.java:42)");
            assertThat(session.getJsonArray("allocationStacks").getJsonObject(0).getLong("weightBytes")).isEqualTo(6_000_000);
            JsonObject root = session.getJsonObject("referenceTree").getJsonArray("children").getJsonObject(0);
            assertThat(root.getString("label")).startsWith("GC root:");
            assertThat(root.getJsonArray("children").getJsonObject(0).getString("label")).isEqualTo("java.util.HashMap via SESSIONS");
            assertThat(root.getJsonArray("children").getJsonObject(0).getLong("count")).isEqualTo(44);
            ctx.completeNow();
        })));
    }

    @Test
    void baselineWindowAndAbsoluteBaselineAreHonoured(VertxTestContext ctx) {
        client.get("/api/v1/instances/i-1/attribution?from=now-30m&to=now&baseline=6h&maxClasses=5").send()
                .compose(r -> client.get("/api/v1/instances/i-1/attribution?from=2026-03-01T11:00:00Z"
                        + "&baselineFrom=2026-03-01T00:00:00Z&baselineTo=2026-03-01T01:00:00Z").send())
                .onComplete(ctx.succeeding(res -> ctx.verify(() -> {
                    assertThat(res.statusCode()).isEqualTo(200);
                    assertThat(calls).containsExactly(
                            List.of("i-1", END - HOUR / 2, END, END - HOUR / 2 - 6 * HOUR, END - HOUR / 2, 5),
                            List.of("i-1", END - HOUR, END, END - 12 * HOUR, END - 11 * HOUR, 20));
                    ctx.completeNow();
                })));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "from=yesterday|from",
            "from=now&to=now-1h|from",
            "baseline=1x|baseline",
            "baseline=1h&baselineFrom=now-3h&baselineTo=now-2h|baseline",
            "baselineFrom=now-3h|baselineTo",
            "baselineFrom=now-2h&baselineTo=now-3h|baselineFrom",
            "maxClasses=0|maxClasses",
            "maxClasses=abc|maxClasses",
            "window=1h|window",
            "from=now-1h&from=now-2h|from"})
    void badParametersAre400NamingTheParameter(String query, String parameter, VertxTestContext ctx) {
        client.get("/api/v1/instances/i-1/attribution?" + query).send().onComplete(ctx.succeeding(res -> ctx.verify(() -> {
            assertThat(res.statusCode()).isEqualTo(400);
            assertThat(res.bodyAsJsonObject().getString("parameter")).isEqualTo(parameter);
            assertThat(calls).isEmpty();
            ctx.completeNow();
        })));
    }

    @Test
    void anInstanceWithoutAnySnapshotIs404ButOneWithSnapshotsElsewhereIs200(VertxTestContext ctx) {
        client.get("/api/v1/instances/nobody/attribution").send()
                .compose(nobody -> {
                    ctx.verify(() -> {
                        assertThat(nobody.statusCode()).isEqualTo(404);
                        assertThat(nobody.bodyAsJsonObject().getString("detail")).contains("jfr.enabled");
                    });
                    return client.get("/api/v1/instances/i-elsewhere/attribution").send();
                })
                .onComplete(ctx.succeeding(res -> ctx.verify(() -> {
                    assertThat(res.statusCode()).isEqualTo(200);
                    assertThat(res.bodyAsJsonObject().getLong("snapshots")).isZero();
                    assertThat(res.bodyAsJsonObject().getJsonArray("classes")).isEmpty();
                    ctx.completeNow();
                })));
    }

    @Test
    void aServerWithoutJfrQueriesAnswers503(VertxTestContext ctx) {
        bare.get("/api/v1/instances/i-1/attribution").send().onComplete(ctx.succeeding(res -> ctx.verify(() -> {
            assertThat(res.statusCode()).isEqualTo(503);
            ctx.completeNow();
        })));
    }
}
