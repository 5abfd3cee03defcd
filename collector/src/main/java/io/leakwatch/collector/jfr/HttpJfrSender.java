package io.leakwatch.collector.jfr;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * POSTs envelopes to ingest's {@code /v1/jfr} (content type {@code application/vnd.leakwatch.jfr-envelope}) with
 * the configured OTLP headers, on the collector's own executor; a status other than 2xx is a failure whose
 * message names the status (never the headers). As OTLP/HTTP's retry rules say, 408, 429, 502, 503 and 504 (and
 * any I/O error) may succeed later; other statuses are a {@link RejectedException}.
 */
public final class HttpJfrSender implements JfrSender {
    static final String CONTENT_TYPE = "application/vnd.leakwatch.jfr-envelope";

    private final Executor executor;
    private HttpClient client; // guarded by this; built at the first send (see the constructor)
    private final URI endpoint;
    private final Map<String, String> headers;
    private final Duration timeout;

    public HttpJfrSender(URI endpoint, Map<String, String> headers, Duration timeout, Executor executor) {
        // Not built here: an HttpClient starts its selector thread at once, and the first recording is
        // jfr.interval away; until then the host would carry one more idle thread for every collection to scan.
        this.executor = executor;
        this.endpoint = endpoint;
        this.headers = Map.copyOf(headers);
        this.timeout = timeout;
    }

    @Override
    public void send(byte[] envelope) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Content-Type", CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(envelope));
        headers.forEach(request::header);
        HttpResponse<Void> response = client().send(request.build(), HttpResponse.BodyHandlers.discarding());
        int status = response.statusCode();
        if (status / 100 == 2) {
            return;
        }
        String message = "HTTP " + status + " from " + endpoint;
        if (retryable(status)) {
            throw new java.io.IOException(message);
        }
        throw new RejectedException(message);
    }

    private synchronized HttpClient client() {
        if (client == null) {
            client = HttpClient.newBuilder().connectTimeout(timeout).executor(executor).build();
        }
        return client;
    }

    static boolean retryable(int status) {
        return status == 408 || status == 429 || status == 502 || status == 503 || status == 504;
    }

    @Override
    public void close() {
        // the client's threads come from the collector's executor, shut down with it
    }

    @Override
    public String toString() {
        return endpoint.toString();
    }
}
