package io.leakwatch.alerting;

import io.leakwatch.alerting.channel.AlertMessage;
import java.util.List;

/**
 * A message the evaluator decided to send: one per alert group and transition, to each of the channels.
 *
 * @param kind       firing, repeat or resolved
 * @param key        the alert group
 * @param channelIds the rule's channels; empty means the deployment's default channels
 * @param message    the channel-independent view model every channel renders
 */
public record Notification(NotificationKind kind, AlertKey key, List<String> channelIds, AlertMessage message) {

    public Notification {
        channelIds = List.copyOf(channelIds);
    }
}
