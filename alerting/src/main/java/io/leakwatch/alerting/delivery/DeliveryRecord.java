package io.leakwatch.alerting.delivery;

import io.leakwatch.alerting.channel.ChannelType;
import java.time.Instant;

/**
 * What happened to one delivery, safe to show in the API: the target is redacted to scheme + host and the
 * error text is scrubbed of secrets.
 *
 * @param channelId     the channel
 * @param type          the channel's type
 * @param target        scheme + host of the target
 * @param test          true for a test message
 * @param startedAt     when the delivery started
 * @param lastAttemptAt when its last attempt started
 * @param attempts      attempts made (0 when rejected)
 * @param outcome       how it ended
 * @param statusCode    the last HTTP status, or null when no reply came
 * @param lastError     the last error, or null when delivered
 */
public record DeliveryRecord(String channelId, ChannelType type, String target, boolean test, Instant startedAt,
                             Instant lastAttemptAt, int attempts, DeliveryOutcome outcome, Integer statusCode,
                             String lastError) {
}
