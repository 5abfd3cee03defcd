package io.leakwatch.queryapi;

import io.leakwatch.store.InstanceInfo;
import io.leakwatch.store.ReducedSignal;
import io.leakwatch.store.ServiceInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
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
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static io.leakwatch.queryapi.FakeSignalQueries.MB;
import static org.assertj.core.api.Assertions.assertThat;

/** The analysis endpoints over real HTTP, with fake stores behind them: ranking, paging, validation, caching. */
@ExtendWith(VertxExtension.class)
class LeaksApiTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final long END = NOW.toEpochMilli();
    private static final long START = END - 3 * 3_600_000L;

    private final FakeSignalQueries signals = new FakeSignalQueries();
    private final FakeMetricQueries metrics = new FakeMetricQueries();
    private final AtomicLong now = new AtomicLong(END);
    private WebClient client;
    private WebClient bare;

    @BeforeEach
    void startServers(Vertx vertx, VertxTestContext ctx) {
        Clock clock = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(now.get());
            }
        };
        signals.instances = List.of(
                new FakeSignalQueries.Builder("orders", "2.0", "o-fast", START, END).heapLeak(100 * MB).build(),
                new FakeSignalQueries.Builder("orders", "2.0", "o-slow", START, END).heapLeak(30 * MB).build(),
                new FakeSignalQueries.Builder("orders", "2.0", "o-unconfirmed", START, END)
                        .with(ReducedSignal.HEAP_USED_FLOOR, h -> 300 * MB + 40 * MB * h, 1024 * MB).build(),
                new FakeSignalQueries.Builder("web", "1.0", "w-1", START, END).build(),
                new FakeSignalQueries.Builder("web", "1.0", "w-threads", START, END).environment("staging")
                        .with(ReducedSignal.THREADS, h -> 40 + Math.floor(h * 20), null).build());
        signals.services = List.of(new ServiceInfo("orders", List.of(new ServiceInfo.VersionCount("2.0", 3, END)), 3, END,
                List.of("prod")));
        metrics.instances = List.of(
                new InstanceInfo("o-fast", "orders", "2.0", "h", "prod", START, END, 10),
                new InstanceInfo("w-1", "web", "1.0", "h", "prod", START, END, 10));
        QueryApiConfig config = QueryApiConfig.defaults();
        Future<Integer> full = vertx.createHttpServer()
                .requestHandler(QueryApiRouter.create(vertx, config, metrics, signals, () -> true, clock))
                .listen(0, "127.0.0.1").map(s -> s.actualPort());
        Future<Integer> noAnalysis = vertx.createHttpServer()
                .requestHandler(QueryApiRouter.create(vertx, config, metrics, () -> true))
                .listen(0, "127.0.0.1").map(s -> s.actualPort());
        Future.all(full, noAnalysis).onComplete(ctx.succeeding(all -> {
            client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(full.result()));
            bare = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(noAnalysis.result()));
            ctx.completeNow();
        }));
    }

    private Future<HttpResponse<Buffer>> get(String uri) {
        return client.get(uri).send();
    }

    @Test
    void suspectsAreRankedByVerdictConfidenceAndExhaustionWithAServiceFinding(VertxTestContext ctx) {
        get("/api/v1/leaks?window=6h").onComplete(ctx.succeeding(res -> ctx.verify(() -> {
            assertThat(res.statusCode()).isEqualTo(200);
            JsonObject body = res.bodyAsJsonObject();
            assertThat(body.getInteger("instancesAnalysed")).isEqualTo(5);
            List<JsonObject> items = items(body);
            assertThat(items).extracting(i -> i.getString("instance")).doesNotContain("w-1");
            assertThat(items).extracting(i -> i.getString("verdict")).allMatch(v -> v.equals("leak") || v.equals("growing"));
            assertThat(body.getInteger("total")).isEqualTo(items.size());
            for (int i = 1; i < items.size(); i++) {
                JsonObject a = items.get(i - 1);
                JsonObject b = items.get(i);
                int byVerdict = a.getString("verdict").compareTo(b.getString("verdict")); // "growing" < "leak"
                assertThat(byVerdict).as("%s before %s", a, b).isGreaterThanOrEqualTo(0);
                if (byVerdict == 0) {
                    assertThat(a.getInteger("confidence")).isGreaterThanOrEqualTo(b.getInteger("confidence"));
                }
            }
            JsonObject fast = find(items, "o-fast", "heap");
            assertThat(fast.getString("verdict")).isEqualTo("leak");
            assertThat(fast.getDouble("slopePerHour")).isBetween(80 * MB, 120 * MB);
            assertThat(fast.getLong("timeToExhaustionSeconds")).isPositive();
            assertThat(fast.getJsonObject("links").getString("evidence")).isEqualTo("/api/v1/instances/o-fast/analysis?window=6h");
            assertThat(find(items, "o-unconfirmed", "heap").getString("verdict")).isEqualTo("growing");
            assertThat(find(items, "w-threads", "threads").getString("unit")).isEqualTo("threads");
            JsonObject service = find(items, null, "heap");
            assertThat(service.getString("service")).isEqualTo("orders");
            assertThat(service.getString("version")).isEqualTo("2.0");
            assertThat(service.getInteger("growingInstances")).isEqualTo(3);
            assertThat(service.getJsonObject("links").getString("instances")).isEqualTo("/api/v1/instances?service=orders&version=2.0");
            assertThat(service.getString("message")).contains("3 of 3 instances of version 2.0");
            ctx.completeNow();
        })));
    }

    @Test
    void pagingServiceFilterAndMinConfidenceCutTheSameRanking(VertxTestContext ctx) {
        get("/api/v1/leaks").compose(all -> get("/api/v1/leaks?limit=2&offset=1").map(page -> {
            ctx.verify(() -> {
                List<JsonObject> full = items(all.bodyAsJsonObject());
                assertThat(items(page.bodyAsJsonObject())).isEqualTo(full.subList(1, 3));
                assertThat(page.bodyAsJsonObject().getInteger("total")).isEqualTo(full.size());
            });
            return all;
        })).compose(all -> get("/api/v1/leaks?minConfidence=61").map(high -> {
            ctx.verify(() -> {
                List<JsonObject> kept = items(high.bodyAsJsonObject());
                assertThat(kept).allMatch(i -> i.getInteger("confidence") >= 61);
                assertThat(kept).extracting(i -> i.getString("instance")).doesNotContain("o-unconfirmed");
            });
            return high;
        })).compose(x -> get("/api/v1/leaks?service=web")).onComplete(ctx.succeeding(web -> ctx.verify(() -> {
            assertThat(items(web.bodyAsJsonObject())).extracting(i -> i.getString("service")).containsOnly("web");
            assertThat(web.bodyAsJsonObject().getInteger("instancesAnalysed")).isEqualTo(2);
            ctx.completeNow();
        })));
    }

    @Test
    void suspectsCarryTheirEnvironmentAndTheEnvironmentFilters(VertxTestContext ctx) {
        get("/api/v1/leaks?environment=staging").compose(staging -> get("/api/v1/leaks").map(all -> {
            ctx.verify(() -> {
                assertThat(staging.statusCode()).isEqualTo(200);
                List<JsonObject> items = items(staging.bodyAsJsonObject());
                assertThat(items).extracting(i -> i.getString("instance")).containsOnly("w-threads");
                assertThat(items).extracting(i -> i.getString("environment")).containsOnly("staging");
                assertThat(staging.bodyAsJsonObject().getInteger("instancesScreened")).isEqualTo(1);
                assertThat(find(items(all.bodyAsJsonObject()), "o-fast", "heap").getString("environment")).isEqualTo("prod");
            });
            return all;
        })).compose(r -> get("/api/v1/services?environment=prod")).compose(prod -> {
            ctx.verify(() -> {
                assertThat(prod.statusCode()).isEqualTo(200);
                JsonObject orders = prod.bodyAsJsonArray().getJsonObject(0);
                assertThat(orders.getString("environment")).isEqualTo("prod");
                assertThat(orders.getJsonArray("environments").getList()).containsExactly("prod");
            });
            return get("/api/v1/services?environment=staging");
        }).compose(staging -> {
            ctx.verify(() -> assertThat(staging.bodyAsJsonArray()).isEmpty());
            return get("/api/v1/leaks?environment=" + "x".repeat(300));
        }).onComplete(ctx.succeeding(bad -> ctx.verify(() -> {
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.bodyAsJsonObject().getString("parameter")).isEqualTo("environment");
            ctx.completeNow();
        })));
    }

    @Test
    void resultsAreCachedForThirtySeconds(VertxTestContext ctx) {
        get("/api/v1/leaks").compose(r -> get("/api/v1/leaks?limit=1")).map(r -> {
            ctx.verify(() -> assertThat(signals.signalCalls.get()).isEqualTo(1));
            now.addAndGet(Duration.ofSeconds(31).toMillis());
            return r;
        }).compose(r -> get("/api/v1/leaks")).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
            assertThat(signals.signalCalls.get()).isEqualTo(2);
            ctx.completeNow();
        })));
    }

    @Test
    void instanceAnalysisHasEverySignalWithEvidenceAndUnknownIs404(VertxTestContext ctx) {
        get("/api/v1/instances/o-fast/analysis?window=3h").compose(res -> {
            ctx.verify(() -> {
                assertThat(res.statusCode()).isEqualTo(200);
                JsonObject body = res.bodyAsJsonObject();
                assertThat(body.getString("window")).isEqualTo("3h");
                assertThat(body.getString("version")).isEqualTo("2.0");
                JsonArray list = body.getJsonArray("signals");
                assertThat(list.stream().map(o -> ((JsonObject) o).getString("signal")))
                        .containsExactly("heap", "metaspace", "classes", "threads", "fds");
                JsonObject heap = list.getJsonObject(0);
                assertThat(heap.getString("series")).isEqualTo("heap.after_gc");
                assertThat(heap.getString("verdict")).isEqualTo("leak");
                JsonObject evidence = heap.getJsonObject("evidence");
                assertThat(evidence.getJsonArray("points").getJsonArray(0)).hasSize(2);
                assertThat(evidence.getJsonObject("fit").getString("start")).endsWith("Z");
                assertThat(evidence.getInteger("reclaimingCollections")).isPositive();
                assertThat(heap.getJsonObject("reason").getString("key")).startsWith("leak");
            });
            return get("/api/v1/instances/nobody/analysis");
        }).onComplete(ctx.succeeding(res -> ctx.verify(() -> {
            assertThat(res.statusCode()).isEqualTo(404);
            assertThat(res.bodyAsJsonObject().getString("error")).isEqualTo("not_found");
            ctx.completeNow();
        })));
    }

    @ParameterizedTest
    @CsvSource({
            "/api/v1/leaks?window=6x, window",
            "/api/v1/leaks?window=0m, window",
            "/api/v1/leaks?window=40d, window",
            "/api/v1/leaks?window=-1h, window",
            "/api/v1/leaks?minConfidence=101, minConfidence",
            "/api/v1/leaks?limit=0, limit",
            "/api/v1/leaks?offset=-1, offset",
            "/api/v1/leaks?verdict=leak, verdict",
            "/api/v1/leaks?window=1h&window=2h, window",
            "/api/v1/instances/o-fast/analysis?window=soon, window",
            "/api/v1/instances/o-fast/analysis?from=-1h, from",
            "/api/v1/services?from=nope, from",
            "/api/v1/instances?service=, service"})
    void badParametersAre400NamingTheParameter(String uri, String parameter, VertxTestContext ctx) {
        get(uri).onComplete(ctx.succeeding(res -> ctx.verify(() -> {
            assertThat(res.statusCode()).isEqualTo(400);
            assertThat(res.bodyAsJsonObject().getString("error")).isEqualTo("bad_parameter");
            assertThat(res.bodyAsJsonObject().getString("parameter")).isEqualTo(parameter);
            ctx.completeNow();
        })));
    }

    @Test
    void servicesAndFilteredInstances(VertxTestContext ctx) {
        get("/api/v1/services").compose(res -> {
            ctx.verify(() -> {
                JsonObject orders = res.bodyAsJsonArray().getJsonObject(0);
                assertThat(orders.getString("service")).isEqualTo("orders");
                assertThat(orders.getInteger("instances")).isEqualTo(3);
                assertThat(orders.getString("lastSeen")).isEqualTo(NOW.toString());
                assertThat(orders.getJsonArray("versions").getJsonObject(0).getString("version")).isEqualTo("2.0");
            });
            return get("/api/v1/instances?service=web&version=1.0");
        }).onComplete(ctx.succeeding(res -> ctx.verify(() -> {
            assertThat(res.bodyAsJsonArray().stream().map(o -> ((JsonObject) o).getString("instance"))).containsExactly("w-1");
            ctx.completeNow();
        })));
    }

    @Test
    void withoutSignalQueriesTheAnalysisEndpointsAre503(VertxTestContext ctx) {
        bare.get("/api/v1/leaks").send().onComplete(ctx.succeeding(res -> ctx.verify(() -> {
            assertThat(res.statusCode()).isEqualTo(503);
            assertThat(res.bodyAsJsonObject().getString("error")).isEqualTo("unavailable");
            ctx.completeNow();
        })));
    }

    private static List<JsonObject> items(JsonObject body) {
        List<JsonObject> out = new ArrayList<>();
        body.getJsonArray("items").forEach(o -> out.add((JsonObject) o));
        return out;
    }

    private static JsonObject find(List<JsonObject> items, String instance, String signal) {
        return items.stream()
                .filter(i -> java.util.Objects.equals(i.getString("instance"), instance) && i.getString("signal").equals(signal))
                .findFirst().orElseThrow(() -> new AssertionError("no " + instance + "/" + signal + " in " + items));
    }
}
