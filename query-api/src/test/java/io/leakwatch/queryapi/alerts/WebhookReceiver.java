package io.leakwatch.queryapi.alerts;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/** An in-process HTTP receiver on 127.0.0.1 that records every request body and header and answers 200. */
final class WebhookReceiver implements AutoCloseable {

    record Got(String path, Map<String, List<String>> headers, JsonObject body) {
    }

    final List<Got> got = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            got.add(new Got(ex.getRequestURI().getPath(), Map.copyOf(ex.getRequestHeaders()),
                    new JsonObject(new String(body, StandardCharsets.UTF_8))));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
