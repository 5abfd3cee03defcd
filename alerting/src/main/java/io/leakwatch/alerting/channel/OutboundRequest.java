package io.leakwatch.alerting.channel;

import io.leakwatch.alerting.delivery.UrlRedactor;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The exact HTTP POST a channel wants sent. The URI carries secrets (tokens, signatures), so
 * {@link #toString()} shows only its scheme and host.
 *
 * @param uri     the full target, secrets included
 * @param headers extra headers (Content-Type is always application/json)
 * @param body    the JSON body, UTF-8
 */
public record OutboundRequest(URI uri, Map<String, String> headers, byte[] body) {

    public OutboundRequest {
        headers = Map.copyOf(headers);
    }

    /** The body as text. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "OutboundRequest[" + UrlRedactor.redact(uri) + ", " + body.length + " bytes]";
    }
}
