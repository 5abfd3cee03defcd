package io.leakwatch.collector.jfr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.leakwatch.collector.DaemonThreads;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link JfrDeliveryQueue} with {@link HttpJfrSender} against a real local HTTP endpoint. */
class JfrDeliveryQueueTest {
    private static final Duration BACKOFF = Duration.ofMillis(40);

    private final List<byte[]> accepted = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger arrived = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile IntUnaryOperator statusOfRequest = n -> 200;
    private volatile boolean hold;
    private HttpServer server;
    private ExecutorService httpThreads;
    private ScheduledExecutorService jfrThread;

    private JfrDeliveryQueue start(int maxEnvelopes, long maxBytes) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/jfr", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        httpThreads = Executors.newSingleThreadExecutor(new DaemonThreads("test-http"));
        jfrThread = Executors.newSingleThreadScheduledExecutor(new DaemonThreads("test-jfr"));
        URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/jfr");
        HttpJfrSender sender = new HttpJfrSender(endpoint, Map.of(), Duration.ofSeconds(5), httpThreads);
        return new JfrDeliveryQueue(sender, jfrThread, maxEnvelopes, maxBytes, BACKOFF, Duration.ofMillis(200));
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            byte[] bytes = body.readAllBytes();
            arrived.incrementAndGet();
            if (hold) {
                release.await(10, TimeUnit.SECONDS);
            }
            int status = statusOfRequest.applyAsInt(requests.incrementAndGet());
            if (status == 200) {
                accepted.add(bytes);
            }
            exchange.sendResponseHeaders(status, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @AfterEach
    void stop() {
        release.countDown();
        if (jfrThread != null) {
            jfrThread.shutdownNow();
        }
        if (server != null) {
            server.stop(0);
        }
        if (httpThreads != null) {
            httpThreads.shutdownNow();
        }
    }

    @Test
    void anEndpointThatFailsTwiceThenAcceptsGetsTheEnvelopeOnTheThirdAttempt() throws IOException {
        JfrDeliveryQueue queue = start(4, 1 << 20);
        statusOfRequest = n -> n <= 2 ? 503 : 200;
        byte[] envelope = {1, 2, 3, 4, 5};

        queue.offer(envelope);

        await().atMost(Duration.ofSeconds(10)).until(() -> queue.delivered() == 1);
        assertThat(requests.get()).isEqualTo(3);
        assertThat(accepted).singleElement().satisfies(b -> assertThat(b).isEqualTo(envelope));
        assertThat(queue.retries()).isEqualTo(2);
        assertThat(queue.droppedQueueFull()).isZero();
        assertThat(queue.droppedRejected()).isZero();
        assertThat(queue.queued()).isZero();
    }

    @Test
    void aRefusalThatRetryingCannotFixDropsTheEnvelopeAtOnceAndTheNextOneStillGoes() throws IOException {
        JfrDeliveryQueue queue = start(4, 1 << 20);
        statusOfRequest = n -> n == 1 ? 413 : 200;

        queue.offer(new byte[] {1});
        queue.offer(new byte[] {2});

        await().atMost(Duration.ofSeconds(10)).until(() -> queue.delivered() == 1);
        assertThat(queue.droppedRejected()).isEqualTo(1);
        assertThat(queue.retries()).isZero();
        assertThat(requests.get()).isEqualTo(2);
        assertThat(accepted).singleElement().satisfies(b -> assertThat(b).containsExactly(2));
    }

    @Test
    void offeringNeverWaitsForASlowEndpointAndAFullQueueDropsTheOldestAndCountsIt() throws IOException {
        JfrDeliveryQueue queue = start(2, 1 << 20);
        hold = true; // the first request hangs until released

        long began = System.nanoTime();
        queue.offer(new byte[] {1});
        await().atMost(Duration.ofSeconds(5)).until(() -> arrived.get() == 1);
        for (byte i = 2; i <= 5; i++) {
            queue.offer(new byte[] {i});
        }
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(2));

        // 1 is in flight and still counts against the bound; room for two: 1 is evicted, 2 and 3 are dropped
        assertThat(queue.queued()).isEqualTo(2);
        hold = false;
        release.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> queue.delivered() == 3);
        // 1 was already on the wire and arrived, so it is delivered, not dropped
        assertThat(accepted).extracting(b -> (int) b[0]).containsExactly(1, 4, 5);
        assertThat(queue.droppedQueueFull()).isEqualTo(2);
        assertThat(queue.queued()).isZero();
    }

    @Test
    void theByteBoundDropsOldEnvelopesAndOneLargerThanTheBoundIsDroppedItself() throws IOException {
        JfrDeliveryQueue queue = start(10, 100);
        hold = true;
        queue.offer(filled(60, 1));
        await().atMost(Duration.ofSeconds(5)).until(() -> arrived.get() == 1);

        queue.offer(filled(60, 2)); // 120 > 100: the oldest goes
        queue.offer(filled(101, 3)); // can never fit
        hold = false;
        release.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> queue.delivered() == 2);
        assertThat(accepted).extracting(b -> (int) b[0]).containsExactly(1, 2);
        assertThat(queue.droppedQueueFull()).isEqualTo(1); // only the one that could never fit: 1 arrived
    }

    private static byte[] filled(int size, int value) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
