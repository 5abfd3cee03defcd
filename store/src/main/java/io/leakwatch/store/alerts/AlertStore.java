package io.leakwatch.store.alerts;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The alerting state query-api replicas share: rules, silences, current alert states, the history of
 * transitions, the record of notifications sent, channel status and the evaluator lease.
 *
 * <p>The store knows nothing of the alerting model: rules, silences and states travel as JSON documents
 * written and read by the alerting code, next to the few columns the store filters on. Blocking: call from
 * worker threads. Writes are visible to the next read of any replica once they return (ClickHouse inserts
 * are synchronous; a replicated cluster needs {@code insert_quorum} and
 * {@code select_sequential_consistency} for the same promise).
 */
public interface AlertStore {

    /** Most rows any listing returns. */
    int MAX_ROWS = 10_000;

    /** A rule's definition (JSON) as last written. */
    record StoredRule(String id, String definition, Instant updatedAt) {
    }

    /** A silence's definition (JSON) and its time span. */
    record StoredSilence(String id, String definition, Instant startsAt, Instant endsAt, Instant updatedAt) {
    }

    /** The current state of one alert group, as a JSON document, with the columns listings filter on. */
    record StoredState(String keyId, String ruleId, String service, String status, String document,
                       Instant updatedAt) {
    }

    /** One transition of one alert group; {@code fromStatus} is "" for a new group. */
    record HistoryEntry(Instant at, String keyId, String ruleId, String service, String fromStatus,
                        String toStatus, String document) {
    }

    /** A channel as configured (without its URL or secret) and its last delivery record (JSON, or null). */
    record ChannelStatus(String id, String type, String target, String lastRecord, Instant updatedAt) {
    }

    /** Who holds a lease until when. */
    record Lease(String name, String holder, Instant expiresAt) {
        public boolean heldBy(String who, Instant now) {
            return holder.equals(who) && now.isBefore(expiresAt);
        }
    }

    List<StoredRule> rules();

    Optional<StoredRule> rule(String id);

    void putRule(String id, String definition, Instant at);

    /** Marks the rule deleted; false when there was no such rule. */
    boolean deleteRule(String id, Instant at);

    /**
     * Writes the given rules whose ids were never written before (not even deleted since), so defaults are
     * seeded once and an operator's deletion or edit survives restarts. Returns the ids written.
     */
    List<String> seedRules(Collection<StoredRule> rules);

    /** Silences that end after {@code endsAfter}, newest start first. */
    List<StoredSilence> silences(Instant endsAfter, int limit);

    Optional<StoredSilence> silence(String id);

    void putSilence(StoredSilence silence);

    /** Every current (not deleted) alert state. */
    List<StoredState> states();

    /** Writes new versions of {@code upserts} and marks {@code removedKeyIds} deleted, in one go. */
    void writeStates(Collection<StoredState> upserts, Collection<String> removedKeyIds, Instant at);

    void appendHistory(Collection<HistoryEntry> entries);

    /** Transitions in [from, to), newest first, optionally only those into {@code toStatus}. */
    List<HistoryEntry> history(String toStatus, Instant from, Instant to, int limit);

    /**
     * Records that {@code holder} is about to send notification (keyId, kind, at) and says whether it should:
     * false when another holder recorded the same notification first. Check, insert, then read back the
     * first writer; two replicas racing within the same few milliseconds may both be told yes.
     */
    boolean claimNotification(String keyId, String kind, Instant at, String holder);

    void putChannel(ChannelStatus channel);

    List<ChannelStatus> channels();

    Optional<Lease> lease(String name);

    /**
     * Takes or renews the lease for {@code ttl} from {@code now}: renews when {@code holder} holds it,
     * takes it only when it is free or expired, then reads it back and returns whether {@code holder} won.
     * ClickHouse has no compare-and-set, so this is a best effort: two replicas acquiring an expired lease
     * at the same moment both insert, and the read-back picks one winner (the higher version) for every reader
     * that sees both rows; a reader that read before the other's insert landed may also believe it won
     * until its next renewal.
     */
    boolean tryAcquireLease(String name, String holder, Instant now, Duration ttl);

    /** Lets the lease expire now when {@code holder} holds it (a clean shutdown hands over at once). */
    void releaseLease(String name, String holder, Instant now);
}
