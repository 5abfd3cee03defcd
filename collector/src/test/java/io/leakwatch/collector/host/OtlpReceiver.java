package io.leakwatch.collector.host;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/** A tiny OTLP/HTTP metrics receiver on a free loopback port that keeps every decoded request. */
final class OtlpReceiver implements AutoCloseable {
    record Received(ExportMetricsServiceRequest request, String contentType, String contentEncoding, String authorization) {}

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    OtlpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/metrics", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/metrics");
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
            InputStream body = exchange.getRequestBody();
            if ("gzip".equalsIgnoreCase(encoding)) {
                body = new GZIPInputStream(body);
            }
            ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(body.readNBytes(16 * 1024 * 1024));
            received.add(new Received(request, exchange.getRequestHeaders().getFirst("Content-Type"), encoding,
                    exchange.getRequestHeaders().getFirst("Authorization")));
            byte[] reply = ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, reply.length == 0 ? -1 : reply.length);
            exchange.getResponseBody().write(reply);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
