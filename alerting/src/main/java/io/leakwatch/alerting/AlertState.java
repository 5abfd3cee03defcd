package io.leakwatch.alerting;

import java.time.Instant;
import java.util.Objects;

/**
 * The stored state of one alert group between evaluations: what the evaluator needs to decide the next
 * transition, and what the alert history shows.
 *
 * @param key            the group
 * @param status         pending, firing or resolved
 * @param severity       the rule's severity when last evaluated
 * @param activeSince    when the condition started holding in this episode
 * @param firingSince    when it started firing, or null while pending
 * @param lastMatchedAt  the last evaluation at which the condition held
 * @param lastNotifiedAt the last firing/repeat notification sent for this episode, or null when none was
 *                       (still pending, or silenced all along)
 * @param resolvedAt     when it resolved, or null
 * @param silencedBy     id of the silence that applied at the last evaluation, or null
 * @param finding        the group's merged finding at the last match
 */
public record AlertState(AlertKey key, AlertStatus status, Severity severity, Instant activeSince,
                         Instant firingSince, Instant lastMatchedAt, Instant lastNotifiedAt, Instant resolvedAt,
                         String silencedBy, Finding finding) {

    public AlertState {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(activeSince, "activeSince");
        Objects.requireNonNull(lastMatchedAt, "lastMatchedAt");
        Objects.requireNonNull(finding, "finding");
    }

    AlertState with(AlertStatus status, Instant firingSince, Instant lastMatchedAt, Instant lastNotifiedAt,
                    Instant resolvedAt, String silencedBy, Finding finding, Severity severity) {
        return new AlertState(key, status, severity, activeSince, firingSince, lastMatchedAt, lastNotifiedAt,
                resolvedAt, silencedBy, finding);
    }
}
