package io.leakwatch.ingest;

import io.leakwatch.store.ChdbLibrary;
import io.leakwatch.store.InstanceInfo;
import io.leakwatch.store.MetricRow;
import io.leakwatch.store.MetricWriter;
import io.leakwatch.store.SeriesPoint;
import io.leakwatch.store.Store;
import io.leakwatch.store.StoreConfig;
import io.leakwatch.store.StoreException;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Cross-request batching of the OTLP/HTTP receiver, over real HTTP into the real embedded store: requests
 * share inserts, each is answered only after its rows are stored, a failed insert fails all its requests
 * with the retryable status, rows beyond the cap are refused with 429, and close flushes what waits.
 */
class OtlpHttpBatchingTest {
    private static final String METRIC = "jvm.memory.used_after_last_gc";
    private static final int POINTS = 3;

    @TempDir
    static Path dataDir;
    private static Store store;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String id = UUID.randomUUID().toString().substring(0, 8);
    private final long nowMillis = System.currentTimeMillis();
    private final long startNanos = (nowMillis - 60_000) * 1_000_000L;
    private Vertx vertx;
    private OtlpHttpReceiver receiver;
    private URI base;

    @BeforeAll
    static void openStore() {
        store = Store.open(StoreConfig.embedded(dataDir, ChdbLibrary.locate()));
    }

    @AfterAll
    static void closeStore() {
        store.close();
    }

    @AfterEach
    void stop() throws Exception {
        if (receiver != null) {
            receiver.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private void start(MetricWriter writer, int batchMaxRows, Duration batchMaxDelay, int maxPendingRows) throws Exception {
        vertx = Vertx.vertx();
        IngestConfig.HttpConfig config = IngestConfig.HttpConfig.defaults().withListen("127.0.0.1", 0)
                .withMaxInFlightRequests(1_000)
                .withBatching(batchMaxRows, batchMaxDelay, maxPendingRows);
        receiver = new OtlpHttpReceiver(vertx, config, new OtlpMetricsDecoder(DecodeLimits.defaults()), writer, () -> true);
        int port = receiver.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        base = URI.create("http://127.0.0.1:" + port);
    }

    private CompletableFuture<HttpResponse<byte[]>> post(String instance) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(OtlpHttpReceiver.METRICS_PATH))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", OtlpHttpReceiver.PROTOBUF)
                .POST(HttpRequest.BodyPublishers.ofByteArray(
                        OtlpFixtures.heapAfterGc(instance, POINTS, 100, startNanos).toByteArray()))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private List<SeriesPoint> stored(String instance) {
        return store.queries().series(instance, METRIC, Map.of(), nowMillis - 3_600_000, nowMillis + 3_600_000, 1_000);
    }

    private long storedPointsOfThisTest() {
        return store.queries().instances(nowMillis - 3_600_000, nowMillis + 3_600_000, 10_000).stream()
                .filter(i -> i.instance().startsWith(id + "-"))
                .mapToLong(InstanceInfo::points)
                .sum();
    }

    @Test
    void concurrentRequestsShareInsertsAndEveryPointIsStoredOnce() throws Exception {
        CountingWriter writer = new CountingWriter(store.writer());
        int requests = 40;
        // The batch is cut by size when every request has arrived, by age only if the machine is very slow.
        start(writer, requests * POINTS, Duration.ofSeconds(5), 10 * requests * POINTS);

        List<CompletableFuture<HttpResponse<byte[]>>> responses = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            responses.add(post(id + "-" + i));
        }

        for (var r : responses) {
            assertThat(r.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        assertThat(writer.calls.get()).isLessThan(requests);
        assertThat(receiver.inserts()).isEqualTo(writer.calls.get());
        assertThat(receiver.rowsWritten()).isEqualTo((long) requests * POINTS);
        assertThat(storedPointsOfThisTest()).isEqualTo((long) requests * POINTS);
        for (int i = 0; i < requests; i++) {
            assertThat(stored(id + "-" + i)).extracting(SeriesPoint::value).containsExactly(100.0, 101.0, 102.0);
        }
    }

    @Test
    void aLoneRequestIsStoredWhenItsBatchIsOldEnough() throws Exception {
        start(new CountingWriter(store.writer()), 20_000, Duration.ofMillis(200), 100_000);

        HttpResponse<byte[]> response = post(id + "-alone").get(30, TimeUnit.SECONDS);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(stored(id + "-alone")).hasSize(POINTS);
    }

    @Test
    void aRequestIsNotAnsweredBeforeItsRowsAreQueryable() throws Exception {
        CountDownLatch inserting = new CountDownLatch(1);
        CountDownLatch mayInsert = new CountDownLatch(1);
        MetricWriter gated = gated(inserting, mayInsert);
        start(gated, 20_000, Duration.ZERO, 100_000);

        CompletableFuture<HttpResponse<byte[]>> response = post(id + "-gated");
        assertThat(inserting.await(30, TimeUnit.SECONDS)).isTrue();

        // The insert is under way but has not returned: no answer yet, and nothing stored.
        assertThat(response).isNotDone();
        assertThat(stored(id + "-gated")).isEmpty();
        mayInsert.countDown();
        assertThat(response.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        // Answered, hence stored: queryable without waiting.
        assertThat(stored(id + "-gated")).hasSize(POINTS);
    }

    @Test
    void aFailedInsertFailsEveryRequestOfItsBatchWithTheRetryableStatus() throws Exception {
        CountingWriter writer = new CountingWriter((rows, token) -> {
            throw new StoreException("injected: too many parts", true);
        });
        int requests = 10;
        start(writer, requests * POINTS, Duration.ofSeconds(5), 10 * requests * POINTS);

        List<CompletableFuture<HttpResponse<byte[]>>> responses = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            responses.add(post(id + "-" + i));
        }

        for (var r : responses) {
            HttpResponse<byte[]> response = r.get(60, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(OtlpHttpReceiverTest.RpcStatusAssert.code(response.body())).isEqualTo(14);
        }
        assertThat(writer.calls.get()).isLessThan(requests);
        assertThat(receiver.rowsWritten()).isZero();
    }

    @Test
    void refusesRequestsBeyondTheCapOfWaitingRowsWith429AndRetryAfter() throws Exception {
        CountDownLatch inserting = new CountDownLatch(1);
        CountDownLatch mayInsert = new CountDownLatch(1);
        MetricWriter gated = gated(inserting, mayInsert);
        start(gated, POINTS, Duration.ZERO, 2 * POINTS);

        CompletableFuture<HttpResponse<byte[]>> first = post(id + "-first"); // being inserted
        assertThat(inserting.await(30, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<HttpResponse<byte[]>> second = post(id + "-second"); // waits: the cap is reached
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.pendingRows() == 2 * POINTS);
        HttpResponse<byte[]> third = post(id + "-third").get(30, TimeUnit.SECONDS);

        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(OtlpHttpReceiverTest.RpcStatusAssert.code(third.body())).isEqualTo(8);
        assertThat(OtlpHttpReceiverTest.RpcStatusAssert.message(third.body())).contains("too many rows waiting");
        mayInsert.countDown();
        assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(second.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(stored(id + "-third")).isEmpty();
        assertThat(receiver.pendingRows()).isZero();
    }

    @Test
    void closeStoresWhatWaitsAndAnswersItsRequests() throws Exception {
        start(new CountingWriter(store.writer()), 20_000, Duration.ofSeconds(10), 100_000);
        List<CompletableFuture<HttpResponse<byte[]>>> responses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            responses.add(post(id + "-" + i));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.pendingRows() == 3L * POINTS);

        receiver.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        receiver = null;

        for (var r : responses) {
            assertThat(r.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        assertThat(storedPointsOfThisTest()).isEqualTo(3L * POINTS);
    }

    /** The store's writer, entered only once {@code mayInsert} opens; {@code inserting} opens on entry. */
    private static MetricWriter gated(CountDownLatch inserting, CountDownLatch mayInsert) {
        return (rows, token) -> {
            inserting.countDown();
            try {
                if (!mayInsert.await(30, TimeUnit.SECONDS)) {
                    throw new StoreException("test gate never opened", false);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException("interrupted", true, e);
            }
            store.writer().write(rows, token);
        };
    }

    /** Delegates to another writer and counts the insert calls. */
    static final class CountingWriter implements MetricWriter {
        final AtomicInteger calls = new AtomicInteger();
        private final MetricWriter delegate;

        CountingWriter(MetricWriter delegate) {
            this.delegate = delegate;
        }

        @Override
        public void write(List<MetricRow> rows, String dedupToken) {
            calls.incrementAndGet();
            delegate.write(rows, dedupToken);
        }
    }
}
