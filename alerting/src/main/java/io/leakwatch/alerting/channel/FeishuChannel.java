package io.leakwatch.alerting.channel;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leakwatch.alerting.Secret;
import io.leakwatch.alerting.Severity;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Feishu/Lark custom bot: {@code msg_type: interactive} with a card (coloured header, short fields, a
 * button). With a signing secret the body gets {@code timestamp} (epoch seconds, as a string) and
 * {@code sign = base64(HmacSHA256(key = timestamp + "\n" + secret, data = empty))}, Feishu's documented
 * scheme (note: the string is the key and the message is empty). A 200 reply with a non-zero {@code code}
 * is a failure.
 */
public final class FeishuChannel implements AlertChannel {

    private final String id;
    private final Secret url;
    private final Secret secret;

    /** {@code secret} may be null for bots secured otherwise. */
    public FeishuChannel(String id, Secret url, Secret secret) {
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
        return ChannelType.FEISHU;
    }

    @Override
    public List<Secret> secrets() {
        return secret == null ? List.of(url) : List.of(url, secret);
    }

    @Override
    public OutboundRequest render(AlertMessage m, Instant now) {
        return new OutboundRequest(URI.create(url.reveal()), Map.of(), Json.bytes(body(m, now)));
    }

    /** The signature of a timestamp (epoch seconds). */
    public static String sign(long timestampSeconds, String secret) {
        byte[] key = (timestampSeconds + "\n" + secret).getBytes(StandardCharsets.UTF_8);
        return Base64.getEncoder().encodeToString(Hmac.sha256(key, new byte[0]));
    }

    /** The JSON body, signed at {@code now} when a secret is configured. */
    public ObjectNode body(AlertMessage m, Instant now) {
        ObjectNode root = Json.object();
        if (secret != null) {
            long ts = now.getEpochSecond();
            root.put("timestamp", Long.toString(ts)).put("sign", sign(ts, secret.reveal()));
        }
        root.put("msg_type", "interactive");
        ObjectNode card = root.putObject("card");
        card.putObject("config").put("wide_screen_mode", true);
        ObjectNode header = card.putObject("header");
        header.putObject("title").put("tag", "plain_text").put("content", m.title());
        header.put("template", colour(m));
        ArrayNode elements = card.putArray("elements");
        ArrayNode fields = elements.addObject().put("tag", "div").putArray("fields");
        for (AlertMessage.Field f : m.fields()) {
            boolean isShort = !f.key().equals("instances") && !f.key().equals("suspect")
                    && !f.key().equals("allocationSite");
            fields.addObject().put("is_short", isShort).putObject("text").put("tag", "lark_md")
                    .put("content", "**" + f.label() + "**\n" + Markdown.escape(f.value()));
        }
        if (m.link() != null) {
            ObjectNode button = elements.addObject().put("tag", "action").putArray("actions").addObject()
                    .put("tag", "button");
            button.putObject("text").put("tag", "plain_text").put("content", m.linkLabel());
            button.put("type", "primary").put("url", m.link());
        }
        elements.addObject().put("tag", "note").putArray("elements").addObject().put("tag", "plain_text")
                .put("content", m.ruleName() + " · " + m.status().id() + " · " + m.severity().id());
        return root;
    }

    private static String colour(AlertMessage m) {
        if (m.status() == AlertMessage.Status.RESOLVED) {
            return "green";
        }
        return m.severity() == Severity.CRITICAL ? "red" : m.severity() == Severity.WARNING ? "orange" : "blue";
    }

    @Override
    public Optional<String> errorInReply(String replyBody) {
        Optional<String> e = Json.nonZeroCode(replyBody, "code", "msg");
        return e.isPresent() ? e : Json.nonZeroCode(replyBody, "StatusCode", "StatusMessage");
    }
}
