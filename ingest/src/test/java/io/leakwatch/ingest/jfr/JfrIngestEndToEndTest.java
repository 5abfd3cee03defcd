package io.leakwatch.ingest.jfr;

import io.leakwatch.ingest.Ingest;
import io.leakwatch.ingest.IngestConfig;
import io.leakwatch.store.ChdbLibrary;
import io.leakwatch.store.Store;
import io.leakwatch.store.StoreConfig;
import io.leakwatch.store.jfr.Attribution;
import io.leakwatch.store.jfr.JfrQueries;
import io.leakwatch.store.jfr.JfrWriter;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real recording of a leak made in this JVM, POSTed as an envelope to {@code /v1/jfr} of a running
 * {@link Ingest} over the real embedded store, then read back through {@link JfrQueries#attribution}.
 */
class JfrIngestEndToEndTest {
    @TempDir
    static Path dir;
    static Store store;
    static Vertx vertx;
    static Ingest ingest;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        store = Store.open(StoreConfig.embedded(dir.resolve("data"), ChdbLibrary.locate()));
        vertx = Vertx.vertx();
        JfrWriter writer = new JfrWriter(store.engine());
        ingest = Ingest.start(vertx, IngestConfig.defaults().withHttp(IngestConfig.HttpConfig.defaults()
                                .withListen("127.0.0.1", 0)), store.writer(), store::ready, writer::write,
                        JfrIngestConfig.defaults())
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        ingest.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        store.close();
    }

    @Test
    void attributionNamesTheLeakingClassAndTheStaticFieldThatHoldsIt() throws Exception {
        String instance = "e2e-" + System.nanoTime();
        byte[] baseline = JfrRecordings.envelope(instance, dir, () -> JfrRecordings.churn(64));
        long split = System.currentTimeMillis();
        byte[] leaking = JfrRecordings.envelope(instance, dir, () -> JfrRecordings.leak(30_000));

        HttpResponse<String> first = post(baseline);
        HttpResponse<String> second = post(leaking);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        assertThat(second.body()).contains("\"oldObjects\":");
        assertThat(post(leaking).statusCode()).as("a retried POST is accepted and deduplicated").isEqualTo(200);

        Attribution a = new JfrQueries(store.engine()).attribution(instance, split, System.currentTimeMillis() + 1000,
                split - 3_600_000, split);

        assertThat(a.snapshots()).isEqualTo(1);
        assertThat(a.baselineSnapshots()).isEqualTo(1);
        assertThat(a.classes()).isNotEmpty();
        List<String> top = a.classes().stream().limit(2).map(Attribution.ClassGrowth::className).toList();
        assertThat(top).containsAnyOf(JfrRecordings.LeakedSession.class.getName(), "byte[]");
        Attribution.ClassGrowth leak = a.classes().stream()
                .filter(c -> labels(c.referenceTree()).stream().anyMatch(l -> l.contains("SESSIONS")))
                .findFirst().orElseThrow(() -> new AssertionError("no class held via SESSIONS: " + a));
        assertThat(labels(leak.referenceTree())).anyMatch(l -> l.startsWith("GC root: "));
        assertThat(leak.oldObjectStacks()).isNotEmpty();
        assertThat(leak.oldObjectStacks().getFirst().frames()).anyMatch(f -> f.contains("JfrRecordings.leak"));
        System.out.println("attribution: " + leak.className() + " samples=" + leak.samples() + " tree="
                + leak.referenceTree());

        long rows = Long.parseLong(new String(store.engine().query(
                "SELECT count() FROM jfr_snapshots WHERE instance = {i:String}", Map.of("i", instance), "TabSeparated"),
                StandardCharsets.UTF_8).trim());
        assertThat(rows).as("the retried POST added nothing").isEqualTo(2);
    }

    @Test
    void malformedEnvelopesAndRecordingsAreRefusedWithReasons() throws Exception {
        HttpResponse<String> garbage = post("this is not a LeakWatch JFR envelope at all".getBytes(StandardCharsets.UTF_8));
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(garbage.body()).contains("bad magic");

        byte[] good = JfrRecordings.envelope("trunc-" + System.nanoTime(), dir, () -> JfrRecordings.churn(1));
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 10);
        assertThat(post(truncated).body()).contains("truncated envelope");

        io.leakwatch.wire.JfrEnvelope e = io.leakwatch.wire.JfrEnvelopeCodec.decode(good);
        byte[] cutRecording = java.util.Arrays.copyOf(e.payload(), e.payload().length / 2);
        HttpResponse<String> corrupt = post(io.leakwatch.wire.JfrEnvelopeCodec.encode(new io.leakwatch.wire.JfrEnvelope(
                e.resource(), e.startMillis(), e.endMillis(), e.compression(), cutRecording)));
        assertThat(corrupt.statusCode()).isEqualTo(400);
        assertThat(corrupt.body()).containsAnyOf("malformed gzip", "corrupt JFR", "cannot read the JFR");

        HttpResponse<String> wrongType = HTTP.send(HttpRequest.newBuilder(uri()).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofByteArray(good)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(wrongType.statusCode()).isEqualTo(415);

        HttpResponse<String> tooBig = post(new byte[JfrIngestConfig.DEFAULT_MAX_ENVELOPE_BYTES + 1]);
        assertThat(tooBig.statusCode()).isEqualTo(413);
    }

    private static List<String> labels(Attribution.RefNode node) {
        List<String> out = new ArrayList<>();
        out.add(node.label());
        node.children().forEach(c -> out.addAll(labels(c)));
        return out;
    }

    private static URI uri() {
        return URI.create("http://127.0.0.1:" + ingest.httpPort() + JfrHttpReceiver.PATH);
    }

    private static HttpResponse<String> post(byte[] body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri()).header("Content-Type", JfrHttpReceiver.CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
