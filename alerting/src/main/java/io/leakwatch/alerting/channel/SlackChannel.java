package io.leakwatch.alerting.channel;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leakwatch.alerting.Secret;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Slack-compatible incoming webhook (also accepted by Mattermost and Rocket.Chat): a header block, field
 * sections (at most 10 fields each, Slack's limit), a button to the LeakWatch page, and a fallback
 * {@code text} for notifications and clients without blocks. Values are escaped for mrkdwn.
 */
public final class SlackChannel implements AlertChannel {

    private static final int FIELDS_PER_SECTION = 10;

    private final String id;
    private final Secret url;

    public SlackChannel(String id, Secret url) {
        this.id = id;
        this.url = url;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public ChannelType type() {
        return ChannelType.SLACK;
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
        ObjectNode root = Json.object();
        root.put("text", m.title() + " — " + m.summary(id));
        ArrayNode blocks = root.putArray("blocks");
        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text").put("type", "plain_text").put("text", truncate(m.title(), 150));
        List<AlertMessage.Field> fields = m.fields();
        for (int i = 0; i < fields.size(); i += FIELDS_PER_SECTION) {
            ObjectNode section = blocks.addObject().put("type", "section");
            ArrayNode arr = section.putArray("fields");
            for (AlertMessage.Field f : fields.subList(i, Math.min(fields.size(), i + FIELDS_PER_SECTION))) {
                arr.addObject().put("type", "mrkdwn").put("text", "*" + f.label() + "*\n" + escape(f.value()));
            }
        }
        if (m.link() != null) {
            ObjectNode actions = blocks.addObject().put("type", "actions");
            ObjectNode button = actions.putArray("elements").addObject().put("type", "button");
            button.putObject("text").put("type", "plain_text").put("text", m.linkLabel());
            button.put("url", m.link());
        }
        ObjectNode context = blocks.addObject().put("type", "context");
        context.putArray("elements").addObject().put("type", "mrkdwn")
                .put("text", escape(m.ruleName()) + " · " + m.status().id() + " · " + m.severity().id());
        return root;
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
