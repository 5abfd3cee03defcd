package io.leakwatch.collector.jfr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.leakwatch.collector.DaemonThreads;
import io.leakwatch.collector.config.CollectorConfig;
import io.leakwatch.wire.JfrEnvelope;
import io.leakwatch.wire.JfrEnvelopeCodec;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** A real leak recording, sent to a real local endpoint that fails twice before it accepts. */
class LeakRecorderRetryTest {
    @Test
    void aRecordingTheEndpointRefusedTwiceIsDeliveredOnTheThirdTryAndCounted() throws IOException {
        assumeTrue(JfrFeatures.probe(true).on(JfrFeatures.LEAK_RECORDINGS), "this JVM cannot make leak recordings");
        JfrFeatures features = JfrFeatures.available(true); // as the collector starts it: confirmed by the recording
        List<byte[]> bodies = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/jfr", (HttpExchange exchange) -> {
            try (exchange; InputStream body = exchange.getRequestBody()) {
                bodies.add(body.readAllBytes());
                exchange.sendResponseHeaders(bodies.size() <= 2 ? 503 : 200, -1);
            }
        });
        server.start();
        ExecutorService http = Executors.newSingleThreadExecutor(new DaemonThreads("test-http"));
        URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/jfr");
        CollectorConfig.JfrSettings settings = new CollectorConfig.JfrSettings(true, Duration.ofSeconds(2),
                Duration.ofSeconds(1), CollectorConfig.JfrSettings.DEFAULT_MAX_BYTES, "unused", endpoint);
        LeakRecorder recorder = LeakRecorder.start(settings, features, Map.of("service.name", "retry-test"),
                new HttpJfrSender(endpoint, Map.of(), Duration.ofSeconds(5), http), Duration.ofMillis(50),
                Duration.ofMillis(200));
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> recorder.exported() >= 1);

            assertThat(bodies).hasSizeGreaterThanOrEqualTo(3);
            assertThat(bodies.get(1)).as("a retry sends the same envelope").isEqualTo(bodies.get(0));
            assertThat(bodies.get(2)).isEqualTo(bodies.get(0));
            JfrEnvelope envelope = JfrEnvelopeCodec.decode(bodies.get(2));
            assertThat(envelope.resource()).containsEntry("service.name", "retry-test");
            assertThat(recorder.retries()).isGreaterThanOrEqualTo(2);
            assertThat(recorder.droppedFailed()).isZero();
            assertThat(recorder.droppedRejected()).isZero();
            assertThat(recorder.features().confirmed()).isTrue();
            assertThat(recorder.features().on(JfrFeatures.ALLOCATION_SAMPLES)).isTrue();
        } finally {
            recorder.close();
            server.stop(0);
            http.shutdownNow();
        }
    }
}
