package io.leakwatch.queryapi.alerts;

import io.leakwatch.alerting.AlertRule;
import io.leakwatch.queryapi.AnalysisService;
import io.leakwatch.queryapi.ApiTokens;
import io.leakwatch.queryapi.QueryApiConfig;
import io.leakwatch.queryapi.QueryApiRouter;
import io.leakwatch.store.ChdbLibrary;
import io.leakwatch.store.Store;
import io.leakwatch.store.StoreConfig;
import io.leakwatch.store.alerts.ClickHouseAlertStore;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The alerting endpoints over real HTTP, a real embedded store and a real webhook receiver. */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertingApiTest {

    static final String READ = "read-token-0123456789abcdef";
    static final String ADMIN = "admin-token-0123456789abcdef";

    @TempDir
    static Path dir;
    Store store;
    WebhookReceiver receiver;
    MutableClock clock;
    AlertingService alerting;
    HttpServer server;
    WebClient client;

    @BeforeAll
    void openStore() throws Exception {
        store = Store.open(StoreConfig.embedded(dir, ChdbLibrary.locate()));
        receiver = new WebhookReceiver();
    }

    @AfterAll
    void closeStore() {
        receiver.close();
        store.close();
    }

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        AlertTestSupport.truncate(store);
        receiver.got.clear();
        clock = new MutableClock(AlertTestSupport.START);
        alerting = new AlertingService(new ClickHouseAlertStore(store.engine()),
                AlertTestSupport.config(receiver, "api-test"), clock);
        alerting.initialise();
        QueryApiConfig config = QueryApiConfig.defaults().withPort(0)
                .withTokens(ApiTokens.of(List.of(READ), List.of(ADMIN)));
        server = vertx.createHttpServer()
                .requestHandler(QueryApiRouter.create(vertx, config, new NoMetrics(),
                        null, (AnalysisService) null, alerting, () -> true, clock))
                .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        client = WebClient.create(vertx);
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        server.close().await(10, TimeUnit.SECONDS);
        alerting.close();
    }

    private HttpResponse<Buffer> call(HttpMethod method, String path, String token, Object body) {
        var request = client.request(method, server.actualPort(), "127.0.0.1", path);
        if (token != null) {
            request.putHeader("Authorization", "Bearer " + token);
        }
        var future = body == null ? request.send() : request.sendBuffer(Buffer.buffer(body.toString()));
        try {
            return future.await(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no reply to " + method + " " + path, e);
        }
    }

    private static JsonObject rule(String id) {
        return new JsonObject("""
                {"name": "Heap leak now", "signal": "heap",
                 "condition": {"verdicts": ["leak"], "minConfidence": 80},
                 "for": "0", "severity": "critical", "channels": ["test-hook"], "repeatInterval": "4h"}
                """).put("id", id);
    }

    /** The web UI's rule editing: its "New rule" template, a listed rule sent back with enabled flipped, and the 400/403 it shows. */
    @Test
    void theWebUisRuleEditsRoundTrip() {
        // web-ui alerts.js NEW_RULE, verbatim.
        JsonObject template = new JsonObject("""
                {"id": "my-service-heap", "name": "my-service heap leak", "enabled": true, "matchers": ["service=my-service"],
                 "signals": ["heap"], "condition": {"verdicts": ["leak"], "minConfidence": 80, "timeToExhaustionBelow": "24h"},
                 "for": "10m", "severity": "critical", "channels": [], "repeatInterval": "4h", "resolveDelay": "15m"}
                """);
        HttpResponse<Buffer> created = call(HttpMethod.POST, "/api/v1/rules", ADMIN, template);
        assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);

        JsonObject listed = call(HttpMethod.GET, "/api/v1/rules", READ, null).bodyAsJsonObject().getJsonArray("items").stream()
                .map(JsonObject.class::cast).filter(r -> r.getString("id").equals("heap-leak-critical")).findFirst().orElseThrow();
        HttpResponse<Buffer> disabled = call(HttpMethod.PUT, "/api/v1/rules/heap-leak-critical", ADMIN, listed.copy().put("enabled", false));
        assertThat(disabled.statusCode()).as(disabled.bodyAsString()).isEqualTo(200);
        assertThat(alerting.rule("heap-leak-critical").orElseThrow().enabled()).isFalse();
        assertThat(call(HttpMethod.GET, "/api/v1/rules/heap-leak-critical", READ, null).bodyAsJsonObject())
                .isEqualTo(listed.copy().put("enabled", false));

        HttpResponse<Buffer> bad = call(HttpMethod.PUT, "/api/v1/rules/heap-leak-critical", ADMIN, listed.copy().put("severity", "urgent"));
        assertBad(bad, "severity");
        assertThat(bad.bodyAsJsonObject().getString("detail")).contains("urgent");

        assertThat(call(HttpMethod.PUT, "/api/v1/rules/heap-leak-critical", READ, listed).statusCode()).isEqualTo(403);
        assertThat(call(HttpMethod.POST, "/api/v1/rules", READ, rule("read-only")).statusCode()).isEqualTo(403);
        assertThat(call(HttpMethod.DELETE, "/api/v1/rules/my-service-heap", READ, null).statusCode()).isEqualTo(403);
        assertThat(call(HttpMethod.DELETE, "/api/v1/rules/my-service-heap", ADMIN, null).statusCode()).isEqualTo(204);
    }

    @Test
    void defaultRulesAreSeededAndRulesCanBeCreatedReadReplacedAndDeleted() {
        HttpResponse<Buffer> list = call(HttpMethod.GET, "/api/v1/rules", READ, null);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.bodyAsJsonObject().getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("id")))
                .contains("heap-leak-critical", "exhaustion-within-6h", "non-heap-leak");

        HttpResponse<Buffer> created = call(HttpMethod.POST, "/api/v1/rules", ADMIN, rule("checkout-heap"));
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.bodyAsJsonObject().getString("severity")).isEqualTo("critical");
        assertThat(call(HttpMethod.POST, "/api/v1/rules", ADMIN, rule("checkout-heap")).statusCode()).isEqualTo(409);

        JsonObject changed = rule("checkout-heap").put("severity", "warning");
        changed.remove("id");
        HttpResponse<Buffer> put = call(HttpMethod.PUT, "/api/v1/rules/checkout-heap", ADMIN, changed);
        assertThat(put.statusCode()).isEqualTo(200);
        HttpResponse<Buffer> got = call(HttpMethod.GET, "/api/v1/rules/checkout-heap", READ, null);
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.bodyAsJsonObject().getString("severity")).isEqualTo("warning");
        assertThat(got.bodyAsJsonObject().getString("for")).isEqualTo("0");

        assertThat(call(HttpMethod.DELETE, "/api/v1/rules/checkout-heap", ADMIN, null).statusCode()).isEqualTo(204);
        assertThat(call(HttpMethod.GET, "/api/v1/rules/checkout-heap", READ, null).statusCode()).isEqualTo(404);
        assertThat(call(HttpMethod.DELETE, "/api/v1/rules/checkout-heap", ADMIN, null).statusCode()).isEqualTo(404);
    }

    @Test
    void invalidRulesAreRefusedNamingTheField() {
        assertBad(call(HttpMethod.POST, "/api/v1/rules", ADMIN, rule("r1").put("severity", "urgent")), "severity");
        assertBad(call(HttpMethod.POST, "/api/v1/rules", ADMIN, rule("r1").put("sevrity", "critical")), "sevrity");
        assertBad(call(HttpMethod.POST, "/api/v1/rules", ADMIN, rule("r1").put("for", "soon")), "for");
        assertBad(call(HttpMethod.POST, "/api/v1/rules", ADMIN, rule("r1").put("channels", new JsonArray().add("nope"))),
                "channels");
        assertBad(call(HttpMethod.POST, "/api/v1/rules", ADMIN, rule("Bad Id")), "id");
        assertBad(call(HttpMethod.PUT, "/api/v1/rules/r2", ADMIN, rule("r3")), "id");
        assertBad(call(HttpMethod.POST, "/api/v1/rules", ADMIN, "{not json"), "body");
        String huge = "x".repeat(70 * 1024);
        assertThat(call(HttpMethod.POST, "/api/v1/rules", ADMIN, rule("r1").put("name", huge)).statusCode())
                .isEqualTo(413);
        assertThat(call(HttpMethod.GET, "/api/v1/rules/r1", READ, null).statusCode()).isEqualTo(404);
    }

    private static void assertBad(HttpResponse<Buffer> r, String field) {
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
        assertThat(r.bodyAsJsonObject().getString("parameter")).isEqualTo(field);
    }

    @Test
    void silencesStopApplyingWhenTheyEndOrAreExpired() {
        JsonObject body = new JsonObject().put("matchers", new JsonArray().add("service=\"checkout\""))
                .put("duration", "1h").put("author", "ops").put("comment", "deploy");
        HttpResponse<Buffer> created = call(HttpMethod.POST, "/api/v1/silences", ADMIN, body);
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.bodyAsJsonObject().getBoolean("active")).isTrue();
        String first = created.bodyAsJsonObject().getString("id");
        assertThat(ids(call(HttpMethod.GET, "/api/v1/silences", READ, null))).containsExactly(first);

        clock.advance(Duration.ofMinutes(61));
        assertThat(ids(call(HttpMethod.GET, "/api/v1/silences", READ, null))).isEmpty();
        assertThat(ids(call(HttpMethod.GET, "/api/v1/silences?expired=true", READ, null))).containsExactly(first);

        String second = call(HttpMethod.POST, "/api/v1/silences", ADMIN, body).bodyAsJsonObject().getString("id");
        HttpResponse<Buffer> expired = call(HttpMethod.DELETE, "/api/v1/silences/" + second, ADMIN, null);
        assertThat(expired.statusCode()).isEqualTo(200);
        assertThat(expired.bodyAsJsonObject().getBoolean("active")).isFalse();
        assertThat(ids(call(HttpMethod.GET, "/api/v1/silences", READ, null))).isEmpty();
        assertThat(call(HttpMethod.DELETE, "/api/v1/silences/00000000-0000-0000-0000-000000000000", ADMIN, null)
                .statusCode()).isEqualTo(404);

        assertBad(call(HttpMethod.POST, "/api/v1/silences", ADMIN, body.copy().put("matchers",
                new JsonArray().add("colour=\"red\""))), "matchers");
        assertBad(call(HttpMethod.POST, "/api/v1/silences", ADMIN, body.copy().put("endsAt", "2030-01-01T00:00:00Z")),
                "endsAt");
        assertBad(call(HttpMethod.POST, "/api/v1/silences", ADMIN, body.copy().put("duration", "365d")), "endsAt");
        assertBad(call(HttpMethod.DELETE, "/api/v1/silences/nope", ADMIN, null), "id");
    }

    private static List<String> ids(HttpResponse<Buffer> r) {
        assertThat(r.statusCode()).isEqualTo(200);
        return r.bodyAsJsonObject().getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("id")).toList();
    }

    @Test
    void alertsListCurrentStatesAndHistory() {
        AlertRule rule = RuleBodies.parseRequest(rule("checkout-heap"), null);
        alerting.putRule(rule);
        AlertScheduler scheduler = new AlertScheduler(alerting, w -> List.of(AlertTestSupport.heapLeak()), clock);
        assertThat(scheduler.tick()).isEqualTo(AlertScheduler.TickOutcome.EVALUATED);
        await().until(() -> receiver.got.size() == 1);

        HttpResponse<Buffer> r = call(HttpMethod.GET, "/api/v1/alerts?state=firing", READ, null);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject current = r.bodyAsJsonObject().getJsonArray("current").getJsonObject(0);
        assertThat(current.getString("rule")).isEqualTo("checkout-heap");
        assertThat(current.getString("status")).isEqualTo("firing");
        assertThat(current.getJsonObject("finding").getJsonArray("instances")).containsExactly("checkout-1");
        assertThat(r.bodyAsJsonObject().getJsonArray("history")).hasSize(1);
        assertThat(r.bodyAsJsonObject().getJsonArray("history").getJsonObject(0).getString("to")).isEqualTo("firing");

        // The seeded default rules match too, but wait their `for` duration: pending, not notified.
        JsonArray pending = call(HttpMethod.GET, "/api/v1/alerts?state=pending", READ, null).bodyAsJsonObject()
                .getJsonArray("current");
        assertThat(pending.stream().map(o -> ((JsonObject) o).getString("rule")))
                .containsExactlyInAnyOrder("heap-leak-critical", "exhaustion-within-6h");
        assertBad(call(HttpMethod.GET, "/api/v1/alerts?state=burning", READ, null), "state");
        assertBad(call(HttpMethod.GET, "/api/v1/alerts?from=yesterday", READ, null), "from");
        assertBad(call(HttpMethod.GET, "/api/v1/alerts?limit=0", READ, null), "limit");
    }

    @Test
    void channelTestDeliversToTheReceiverAndChannelsNeverShowTheUrlOrSecret() {
        HttpResponse<Buffer> test = call(HttpMethod.POST, "/api/v1/channels/test-hook/test", ADMIN, null);
        assertThat(test.statusCode()).isEqualTo(200);
        assertThat(test.bodyAsJsonObject().getString("outcome")).isEqualTo("delivered");
        assertThat(test.bodyAsJsonObject().getBoolean("test")).isTrue();
        assertThat(receiver.got).singleElement().satisfies(g -> {
            assertThat(g.path()).isEqualTo("/hook/token-abcdefghijkl");
            assertThat(g.headers().keySet()).anyMatch(h -> h.toLowerCase().contains("signature"));
        });

        HttpResponse<Buffer> channels = call(HttpMethod.GET, "/api/v1/channels", READ, null);
        assertThat(channels.statusCode()).isEqualTo(200);
        JsonObject c = channels.bodyAsJsonObject().getJsonArray("items").getJsonObject(0);
        assertThat(c.getString("id")).isEqualTo("test-hook");
        assertThat(c.getString("type")).isEqualTo("webhook");
        assertThat(c.getString("target")).isEqualTo("http://127.0.0.1:" + receiver.port());
        assertThat(c.getJsonObject("lastDelivery").getString("outcome")).isEqualTo("delivered");
        assertThat(channels.bodyAsString()).doesNotContain("token-abcdefghijkl").doesNotContain(AlertTestSupport.SIGNING_SECRET);

        assertThat(call(HttpMethod.POST, "/api/v1/channels/unknown/test", ADMIN, null).statusCode()).isEqualTo(404);
    }

    @Test
    void tokensDecideWhatARequestMayDo() {
        assertThat(call(HttpMethod.GET, "/api/v1/rules", null, null).statusCode()).isEqualTo(401);
        assertThat(call(HttpMethod.GET, "/api/v1/rules", "wrong-token-0123456789abcdef", null).statusCode()).isEqualTo(401);
        assertThat(call(HttpMethod.GET, "/api/v1/rules", READ, null).statusCode()).isEqualTo(200);
        assertThat(call(HttpMethod.GET, "/api/v1/rules", ADMIN, null).statusCode()).isEqualTo(200);
        HttpResponse<Buffer> forbidden = call(HttpMethod.POST, "/api/v1/rules", READ, rule("r-auth"));
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(forbidden.bodyAsJsonObject().getString("error")).isEqualTo("forbidden");
        HttpResponse<Buffer> unauthorized = call(HttpMethod.POST, "/api/v1/rules", null, rule("r-auth"));
        assertThat(unauthorized.statusCode()).isEqualTo(401);
        assertThat(unauthorized.getHeader("WWW-Authenticate")).startsWith("Bearer");
        assertThat(call(HttpMethod.POST, "/api/v1/channels/test-hook/test", READ, null).statusCode()).isEqualTo(403);
        assertThat(call(HttpMethod.DELETE, "/api/v1/silences/00000000-0000-0000-0000-000000000000", READ, null)
                .statusCode()).isEqualTo(403);
        assertThat(call(HttpMethod.POST, "/api/v1/rules", ADMIN, rule("r-auth")).statusCode()).isEqualTo(201);
        assertThat(call(HttpMethod.GET, "/health/live", null, null).statusCode()).isEqualTo(200);
        assertThat(receiver.got).isEmpty();
    }
}
