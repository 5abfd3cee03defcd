package io.leakwatch.queryapi;

import io.leakwatch.store.ChdbLibrary;
import io.leakwatch.store.ClickHouseSignalQueries;
import io.leakwatch.store.Store;
import io.leakwatch.store.StoreConfig;
import io.leakwatch.store.jfr.JfrSnapshotRows;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The attribution endpoint end to end: JFR rows written through the real embedded store's JFR writer, counted
 * by its SQL, served over real HTTP: the session class that piles up in the last hour is named with its
 * allocation stack and the chain that holds it; the byte[]s that were there an hour ago too are not.
 */
@ExtendWith(VertxExtension.class)
class AttributionEmbeddedStoreTest {

    private static final long HOUR = 3_600_000L;
    private static final long NOW = System.currentTimeMillis();
    private static final List<String> CHAIN = List.of("java.lang.Class (com.shop.SessionCache)",
            "java.util.HashMap via SESSIONS", "com.shop.Session via value");

    @TempDir
    Path dataDir;
    private Store store;
    private WebClient client;

    @BeforeEach
    void start(Vertx vertx, VertxTestContext ctx) {
        store = Store.open(StoreConfig.embedded(dataDir, ChdbLibrary.locate()));
        store.jfrWriter().write(List.of(snapshot("b1", NOW - 90 * 60_000, 2), snapshot("c1", NOW - 20 * 60_000, 40),
                snapshot("c2", NOW - 10 * 60_000, 48)), "t1");
        vertx.createHttpServer()
                .requestHandler(QueryApiRouter.create(vertx, QueryApiConfig.defaults(), store.queries(),
                        new ClickHouseSignalQueries(store.engine()), null, null, store.jfrQueries(), store::ready,
                        Clock.systemUTC()))
                .listen(0, "127.0.0.1")
                .onComplete(ctx.succeeding(server -> {
                    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
                            .setDefaultPort(server.actualPort()));
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

    private static JfrSnapshotRows snapshot(String id, long end, int sessions) {
        List<JfrSnapshotRows.OldObject> old = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            old.add(new JfrSnapshotRows.OldObject("com.shop.Session", end - 50_000 + i, 50_000 - i, -1, 100 << 20,
                    11L, "Global Object Handle", "Class Loader Data", "", CHAIN));
        }
        for (int i = 0; i < 10; i++) {
            old.add(new JfrSnapshotRows.OldObject("byte[]", end - 1000, 1000, 4096, 100 << 20, 33L, "Thread",
                    "Threads", "worker-1", List.of("java.lang.Thread (worker-1)", "byte[] via buf")));
        }
        return new JfrSnapshotRows(id, end - 60_000, end, "shop", "1.5.0", "shop-1", "h1",
                Map.of("service.name", "shop"), 1234, 56789, old,
                List.of(new JfrSnapshotRows.Allocation(end - 20_000, "com.shop.Session", 3_000_000, 44L)),
                List.of(),
                List.of(new JfrSnapshotRows.Stack(11L, List.of("com.shop.SessionCache.open(SessionCache.java:42)")),
                        new JfrSnapshotRows.Stack(33L, List.of("com.shop.Io.read(Io.java:5)")),
                        new JfrSnapshotRows.Stack(44L, List.of("com.shop.Session.<init>(Session.java:3)"))));
    }

    @Test
    void theClassThatPiledUpIsNamedWithItsStacksAndWhatHoldsIt(VertxTestContext ctx) {
        client.get("/api/v1/instances/shop-1/attribution?from=now-1h&baseline=1h").send()
                .onComplete(ctx.succeeding(res -> ctx.verify(() -> {
                    assertThat(res.statusCode()).isEqualTo(200);
                    JsonObject body = res.bodyAsJsonObject();
                    assertThat(body.getLong("snapshots")).isEqualTo(2);
                    assertThat(body.getLong("baselineSnapshots")).isEqualTo(1);
                    JsonArray classes = body.getJsonArray("classes");
                    assertThat(classes).hasSize(1);
                    JsonObject session = classes.getJsonObject(0);
                    assertThat(session.getString("className")).isEqualTo("com.shop.Session");
                    assertThat(session.getLong("samples")).isEqualTo(88);
                    assertThat(session.getDouble("growthPerSnapshot")).isEqualTo(42.0);
                    assertThat(session.getJsonArray("oldObjectStacks").getJsonObject(0).getJsonArray("frames").getString(0))
                            .isEqualTo("com.shop.SessionCache.open(SessionCache.java:42)");
                    assertThat(session.getJsonArray("allocationStacks").getJsonObject(0).getLong("weightBytes"))
                            .isEqualTo(6_000_000);
                    List<String> path = new ArrayList<>();
                    JsonObject node = session.getJsonObject("referenceTree");
                    while (!node.getJsonArray("children").isEmpty()) {
                        node = node.getJsonArray("children").getJsonObject(0);
                        path.add(node.getString("label"));
                        assertThat(node.getLong("count")).isEqualTo(88);
                    }
                    assertThat(path).startsWith("GC root: Class Loader Data / Global Object Handle");
                    assertThat(path.subList(1, path.size())).isEqualTo(CHAIN);
                    ctx.completeNow();
                })));
    }

    @Test
    void anInstanceWithoutSnapshotsIs404(VertxTestContext ctx) {
        client.get("/api/v1/instances/no-jfr-1/attribution").send().onComplete(ctx.succeeding(res -> ctx.verify(() -> {
            assertThat(res.statusCode()).isEqualTo(404);
            ctx.completeNow();
        })));
    }
}
