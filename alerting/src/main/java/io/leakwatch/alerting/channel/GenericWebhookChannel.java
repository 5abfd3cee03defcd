package io.leakwatch.alerting.channel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leakwatch.alerting.Secret;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * A generic JSON webhook: the full {@link AlertMessage} as structured JSON (raw numbers and their
 * human-readable text), signed. Headers: {@value #TIMESTAMP_HEADER} (epoch seconds) and
 * {@value #SIGNATURE_HEADER} {@code = "sha256=" + hex(HmacSHA256(secret, timestamp + "." + body))}. The
 * timestamp is inside the signed bytes, so a receiver that rejects old timestamps (e.g. older than 5 minutes)
 * is safe from replays.
 */
public final class GenericWebhookChannel implements AlertChannel {

    public static final String SIGNATURE_HEADER = "X-LeakWatch-Signature";
    public static final String TIMESTAMP_HEADER = "X-LeakWatch-Timestamp";
    /** Version of the body's schema, in the body as {@code schema}. */
    public static final String SCHEMA = "leakwatch.alert/v1";

    private final String id;
    private final Secret url;
    private final Secret secret;

    public GenericWebhookChannel(String id, Secret url, Secret secret) {
        this.id = id;
        this.url = url;
        this.secret = secret;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public ChannelType type() {
        return ChannelType.WEBHOOK;
    }

    @Override
    public List<Secret> secrets() {
        return List.of(url, secret);
    }

    @Override
    public OutboundRequest render(AlertMessage m, Instant now) {
        byte[] body = Json.bytes(body(m));
        String ts = Long.toString(now.getEpochSecond());
        return new OutboundRequest(URI.create(url.reveal()),
                Map.of(TIMESTAMP_HEADER, ts, SIGNATURE_HEADER, signature(ts, body, secret.reveal())), body);
    }

    /** {@code sha256=<hex>} over {@code timestamp + "." + body}. */
    public static String signature(String timestamp, byte[] body, String secret) {
        byte[] prefix = (timestamp + ".").getBytes(StandardCharsets.UTF_8);
        byte[] signed = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, signed, 0, prefix.length);
        System.arraycopy(body, 0, signed, prefix.length, body.length);
        return "sha256=" + Hmac.sha256Hex(secret, signed);
    }

    /** The JSON body. */
    public ObjectNode body(AlertMessage m) {
        ObjectNode root = Json.object();
        root.put("schema", SCHEMA);
        root.put("status", m.status().id());
        root.put("severity", m.severity().id());
        root.put("title", m.title());
        root.put("summary", m.summary(id));
        root.putObject("rule").put("id", m.ruleId()).put("name", m.ruleName());
        root.put("service", m.service());
        root.put("version", m.version());
        root.put("environment", m.environment());
        m.instances().forEach(root.putArray("instances")::add);
        root.put("signal", m.signal().id());
        root.put("verdict", m.verdict().id());
        root.put("confidence", m.confidence());
        ObjectNode slope = root.putObject("slope");
        if (Double.isNaN(m.slopePerHour())) {
            slope.putNull("perHour");
        } else {
            slope.put("perHour", m.slopePerHour());
        }
        slope.put("unit", m.unit()).put("text", m.slopeText());
        ObjectNode tte = root.putObject("timeToExhaustion");
        if (m.timeToExhaustionSeconds() == null) {
            tte.putNull("seconds");
        } else {
            tte.put("seconds", m.timeToExhaustionSeconds());
        }
        tte.put("text", m.timeToExhaustionText());
        root.put("since", m.since() == null ? null : DateTimeFormatter.ISO_INSTANT.format(m.since()));
        ObjectNode suspect = root.putObject("suspect");
        suspect.put("class", m.topSuspectedClass()).put("allocationSite", m.allocationSite());
        root.put("link", m.link());
        root.put("at", DateTimeFormatter.ISO_INSTANT.format(m.at()));
        return root;
    }
}
