package io.leakwatch.alerting.channel;

import io.leakwatch.alerting.Secret;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One notification target: renders an {@link AlertMessage} into the exact request its endpoint expects.
 * Implementations are pure (no I/O) and thread-safe; signing uses the {@code now} passed in.
 */
public interface AlertChannel {

    /** The configured id rules refer to. */
    String id();

    /** The endpoint kind. */
    ChannelType type();

    /** The request to send for a message at {@code now}. */
    OutboundRequest render(AlertMessage message, Instant now);

    /** The secrets this channel holds, so error texts can be scrubbed of them. */
    List<Secret> secrets();

    /**
     * An error the endpoint reported inside a 2xx reply (chat robots answer 200 with an error code), or empty
     * when the reply means success.
     */
    default Optional<String> errorInReply(String replyBody) {
        return Optional.empty();
    }
}
