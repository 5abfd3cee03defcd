package io.leakwatch.alerting.channel;

import io.leakwatch.alerting.Secret;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One configured channel. The URL (which carries the chat token) and the signing secret are {@link Secret}s:
 * this record's {@code toString()} shows {@code ****} for both.
 *
 * @param id            stable identifier rules refer to, {@code [a-z0-9][a-z0-9_.-]{0,63}}
 * @param type          the kind of endpoint
 * @param url           the webhook URL
 * @param signingSecret the signing secret, or null (required for {@link ChannelType#WEBHOOK})
 */
public record ChannelConfig(String id, ChannelType type, Secret url, Secret signingSecret) {

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

    public ChannelConfig {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("channel id must match " + ID.pattern());
        }
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(url, "url");
        if (type == ChannelType.WEBHOOK && signingSecret == null) {
            throw new IllegalArgumentException("channel '" + id + "': a generic webhook needs a signing secret");
        }
    }
}
