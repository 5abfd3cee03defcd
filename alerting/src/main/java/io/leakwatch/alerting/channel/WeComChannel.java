package io.leakwatch.alerting.channel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leakwatch.alerting.Secret;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * WeChat Work (WeCom) group robot: {@code {"msgtype":"markdown","markdown":{"content":…}}}, content capped
 * at the robot's 4096-byte limit. The robot key is part of the URL (a {@link Secret}); WeCom robots have no
 * signature. A 200 reply with a non-zero {@code errcode} is a failure.
 */
public final class WeComChannel implements AlertChannel {

    static final int MAX_CONTENT_BYTES = 4096;

    private final String id;
    private final Secret url;

    public WeComChannel(String id, Secret url) {
        this.id = id;
        this.url = url;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public ChannelType type() {
        return ChannelType.WECOM;
    }

    @Override
    public List<Secret> secrets() {
        return List.of(url);
    }

    @Override
    public OutboundRequest render(AlertMessage m, Instant now) {
        return new OutboundRequest(URI.create(url.reveal()), Map.of(), Json.bytes(body(m)));
    }

    /** The JSON body. */
    public ObjectNode body(AlertMessage m) {
        ObjectNode root = Json.object().put("msgtype", "markdown");
        root.putObject("markdown").put("content", capBytes(Markdown.body(m, ""), MAX_CONTENT_BYTES));
        return root;
    }

    @Override
    public Optional<String> errorInReply(String replyBody) {
        return Json.nonZeroCode(replyBody, "errcode", "errmsg");
    }

    static String capBytes(String s, int maxBytes) {
        if (s.getBytes(StandardCharsets.UTF_8).length <= maxBytes) {
            return s;
        }
        int end = s.length();
        while (end > 0 && s.substring(0, end).getBytes(StandardCharsets.UTF_8).length > maxBytes - 3) {
            end = Math.max(0, end - 64);
        }
        return s.substring(0, end) + "…";
    }
}
