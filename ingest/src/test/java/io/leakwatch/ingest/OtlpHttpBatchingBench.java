package io.leakwatch.ingest;

import io.leakwatch.store.ChdbLibrary;
import io.leakwatch.store.Store;
import io.leakwatch.store.StoreConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Prints requests/s and inserts/s of the OTLP/HTTP receiver into the real embedded store, with {@code agents}
 * concurrent senders each posting a small export (33 points, like one agent's) and waiting for its answer,
 * with one insert per request (a batch limit of one row; the receiver before batching also made one insert
 * per request, on up to four worker threads: 16 requests/s in the measurement that introduced batching) and
 * with cross-request batching
 * ({@link OtlpHttpReceiver} with the default 20,000 rows / 200 ms, and with delay 0: cut whenever the writer is
 * free). A figure, not an assertion on time: not
 * run by default (the name does not end in Test). Run:
 * {@code ./mvnw -B -o -pl ingest test -Dtest=OtlpHttpBatchingBench -Dsurefire.failIfNoSpecifiedTests=false
 * [-Dbench.agents=200 -Dbench.seconds=10]}, output in {@code ingest/target/surefire-reports/*Bench-output.txt}.
 */
class OtlpHttpBatchingBench {
    private static final int POINTS = 33;

    @Test
    void beforeAndAfterBatching(@TempDir Path dataDir) throws Exception {
        int agents = Integer.getInteger("bench.agents", 200);
        double seconds = Double.parseDouble(System.getProperty("bench.seconds", "10"));
        IngestConfig.HttpConfig config = IngestConfig.HttpConfig.defaults().withListen("127.0.0.1", 0)
                .withMaxInFlightRequests(10_000);
        try (Store store = Store.open(StoreConfig.embedded(dataDir, ChdbLibrary.locate()))) {
            // A batch limit below one request's rows gives every request an insert of its own.
            IngestConfig.HttpConfig perRequest = config.withBatching(1, Duration.ZERO,
                    IngestConfig.HttpConfig.DEFAULT_MAX_PENDING_ROWS);
            Result before = run("one insert per request", agents, seconds, store, w -> {
                Vertx vertx = Vertx.vertx();
                var r = new OtlpHttpReceiver(vertx, perRequest, new OtlpMetricsDecoder(DecodeLimits.defaults()), w, () -> true);
                return new Server(vertx, r.listen(), r::close);
            });
            Result after = run("after: batched (20000 rows / 200 ms)", agents, seconds, store, w -> {
                Vertx vertx = Vertx.vertx();
                var r = new OtlpHttpReceiver(vertx, config, new OtlpMetricsDecoder(DecodeLimits.defaults()), w, () -> true);
                return new Server(vertx, r.listen(), r::close);
            });
            IngestConfig.HttpConfig eager = config.withBatching(IngestConfig.HttpConfig.DEFAULT_BATCH_MAX_ROWS,
                    Duration.ZERO, IngestConfig.HttpConfig.DEFAULT_MAX_PENDING_ROWS);
            Result whenFree = run("after: batched (20000 rows / delay 0)", agents, seconds, store, w -> {
                Vertx vertx = Vertx.vertx();
                var r = new OtlpHttpReceiver(vertx, eager, new OtlpMetricsDecoder(DecodeLimits.defaults()), w, () -> true);
                return new Server(vertx, r.listen(), r::close);
            });
            System.out.printf("%d concurrent agents, %d points per request, %.0f s each, embedded chDB%n", agents, POINTS, seconds);
            for (Result r : List.of(before, after, whenFree)) {
                System.out.println(r);
            }
            assertThat(after.ok).isPositive();
        }
    }

    private record Server(Vertx vertx, Future<Integer> port, java.util.function.Supplier<Future<Void>> close) {
    }

    private record Result(String name, long ok, long refused, long inserts, double seconds, double meanLatencyMs) {
        @Override
        public String toString() {
            return String.format("%-40s %8.0f requests/s (200)  %7.1f inserts/s  %7.0f rows/insert  %6.1f ms mean latency  %d non-200",
                    name, ok / seconds, inserts / seconds, inserts == 0 ? 0.0 : ok * (double) POINTS / inserts,
                    meanLatencyMs, refused);
        }
    }

    private static Result run(String name, int agents, double seconds, Store store,
                              Function<OtlpHttpBatchingTest.CountingWriter, Server> start) throws Exception {
        var writer = new OtlpHttpBatchingTest.CountingWriter(store.writer());
        Server server = start.apply(writer);
        int port = server.port().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        URI uri = URI.create("http://127.0.0.1:" + port + OtlpHttpReceiver.METRICS_PATH);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        AtomicLong ok = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong latencyNanos = new AtomicLong();
        long startNanos = (System.currentTimeMillis() - 3_600_000) * 1_000_000L;
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long t0 = System.nanoTime();
        int insertsAtStart = writer.calls.get();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<?>> tasks = new ArrayList<>();
            for (int a = 0; a < agents; a++) {
                String instance = name.replaceAll("[^a-z0-9]", "") + "-agent-" + a;
                tasks.add(pool.submit(() -> {
                    for (long n = 0; System.nanoTime() < deadline; n++) {
                        // Distinct bytes per request, so no insert is dropped by token deduplication.
                        byte[] body = OtlpFixtures.heapAfterGc(instance, POINTS, n, startNanos + n * 1_000_000L).toByteArray();
                        long s = System.nanoTime();
                        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(uri)
                                .header("Content-Type", OtlpHttpReceiver.PROTOBUF)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                                HttpResponse.BodyHandlers.discarding());
                        if (response.statusCode() == 200) {
                            ok.incrementAndGet();
                            latencyNanos.addAndGet(System.nanoTime() - s);
                        } else {
                            refused.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (var t : tasks) {
                t.get();
            }
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        int inserts = writer.calls.get() - insertsAtStart;
        server.close().get().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        server.vertx().close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return new Result(name, ok.get(), refused.get(), inserts, elapsed,
                ok.get() == 0 ? 0 : latencyNanos.get() / 1e6 / ok.get());
    }
}
