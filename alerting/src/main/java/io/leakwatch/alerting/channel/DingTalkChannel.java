package io.leakwatch.alerting.channel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leakwatch.alerting.Secret;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * DingTalk custom robot: {@code {"msgtype":"markdown","markdown":{"title":…,"text":…}}}. With a signing
 * secret ("加签"), the URL gets {@code timestamp} (epoch milliseconds) and
 * {@code sign = urlencode(base64(HmacSHA256(key = secret, data = timestamp + "\n" + secret)))}, DingTalk's
 * documented scheme; DingTalk refuses timestamps more than an hour off. A 200 reply with a non-zero
 * {@code errcode} is a failure.
 */
public final class DingTalkChannel implements AlertChannel {

    private final String id;
    private final Secret url;
    private final Secret secret;

    /** {@code secret} may be null for robots secured by keyword or IP allow-list. */
    public DingTalkChannel(String id, Secret url, Secret secret) {
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
        return ChannelType.DINGTALK;
    }

    @Override
    public List<Secret> secrets() {
        return secret == null ? List.of(url) : List.of(url, secret);
    }

    @Override
    public OutboundRequest render(AlertMessage m, Instant now) {
        String target = url.reveal();
        if (secret != null) {
            long ts = now.toEpochMilli();
            target += (target.contains("?") ? "&" : "?") + "timestamp=" + ts + "&sign=" + sign(ts, secret.reveal());
        }
        return new OutboundRequest(URI.create(target), Map.of(), Json.bytes(body(m)));
    }

    /** The URL-encoded signature of a timestamp (epoch ms). */
    public static String sign(long timestampMs, String secret) {
        byte[] mac = Hmac.sha256(secret.getBytes(StandardCharsets.UTF_8),
                (timestampMs + "\n" + secret).getBytes(StandardCharsets.UTF_8));
        return URLEncoder.encode(Base64.getEncoder().encodeToString(mac), StandardCharsets.UTF_8);
    }

    /** The JSON body. */
    public ObjectNode body(AlertMessage m) {
        ObjectNode root = Json.object().put("msgtype", "markdown");
        root.putObject("markdown").put("title", m.title()).put("text", Markdown.body(m, "#### "));
        return root;
    }

    @Override
    public Optional<String> errorInReply(String replyBody) {
        return Json.nonZeroCode(replyBody, "errcode", "errmsg");
    }
}
