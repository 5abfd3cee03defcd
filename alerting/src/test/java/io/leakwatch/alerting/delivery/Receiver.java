package io.leakwatch.alerting.delivery;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;

/** An in-process HTTP receiver on 127.0.0.1 that records every request and answers per request number. */
final class Receiver implements AutoCloseable {

    record Got(String uri, com.sun.net.httpserver.Headers headers, byte[] body) {
    }

    /** What to answer to the n-th request (1-based): a status and body, or HANG. */
    record Reply(int status, String body, String retryAfter) {
        static final Reply HANG = new Reply(-1, null, null);

        static Reply ok(String body) {
            return new Reply(200, body, null);
        }
    }

    final List<Got> got = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final CountDownLatch release = new CountDownLatch(1);

    Receiver(IntFunction<Reply> replies) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> handle(exchange, replies));
        server.start();
    }

    private void handle(HttpExchange ex, IntFunction<Reply> replies) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        got.add(new Got(ex.getRequestURI().toString(), ex.getRequestHeaders(), body));
        Reply r = replies.apply(got.size());
        if (r.status() < 0) {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
            return;
        }
        if (r.retryAfter() != null) {
            ex.getResponseHeaders().add("Retry-After", r.retryAfter());
        }
        byte[] out = r.body() == null ? new byte[0] : r.body().getBytes();
        ex.sendResponseHeaders(r.status(), out.length == 0 ? -1 : out.length);
        if (out.length > 0) {
            ex.getResponseBody().write(out);
        }
        ex.close();
    }

    String url(String pathAndQuery) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery;
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
    }
}
