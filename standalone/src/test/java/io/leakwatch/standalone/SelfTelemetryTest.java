package io.leakwatch.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.leakwatch.ingest.IngestTelemetry;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class SelfTelemetryTest {

    @Test
    void ingestMetricsAreExportedAsTheLeakwatchIngestService() throws Exception {
        List<ExportMetricsServiceRequest> received = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/v1/metrics", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if ("gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                body = new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes();
            }
            received.add(ExportMetricsServiceRequest.parseFrom(body));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        try (SelfTelemetry telemetry = SelfTelemetry.exportingTo(
                URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/v1/metrics"),
                Duration.ofMillis(200))) {
            IngestTelemetry.create(telemetry.provider());

            await().atMost(Duration.ofSeconds(20)).until(() -> !received.isEmpty());
        } finally {
            receiver.stop(0);
        }
        assertThat(received.getFirst().getResourceMetrics(0).getResource().getAttributesList())
                .anyMatch(kv -> kv.getKey().equals("service.name") && kv.getValue().getStringValue().equals("leakwatch-ingest"));
    }
}
