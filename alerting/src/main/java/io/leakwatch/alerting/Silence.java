package io.leakwatch.alerting;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A silence: alerts whose labels satisfy every matcher are not notified while {@code startsAt ≤ now < endsAt}.
 * Whether it applies is a pure function of the clock, so an expired silence stops applying by itself.
 *
 * @param id       stable identifier
 * @param matchers matchers on {@link LabelMatcher#SILENCE_LABELS}; at least one
 * @param startsAt first instant it applies
 * @param endsAt   first instant it no longer applies (after {@code startsAt})
 * @param author   who created it (≤ 200 characters)
 * @param comment  why (≤ 1000 characters)
 */
public record Silence(String id, List<LabelMatcher> matchers, Instant startsAt, Instant endsAt, String author,
                      String comment) {

    public static final int MAX_MATCHERS = 32;

    public Silence {
        Objects.requireNonNull(id, "id");
        matchers = List.copyOf(matchers);
        if (matchers.isEmpty() || matchers.size() > MAX_MATCHERS) {
            throw new IllegalArgumentException("a silence needs 1.." + MAX_MATCHERS + " matchers");
        }
        for (LabelMatcher m : matchers) {
            if (!LabelMatcher.SILENCE_LABELS.contains(m.label())) {
                throw new IllegalArgumentException("silences cannot match on label '" + m.label() + "'");
            }
        }
        Objects.requireNonNull(startsAt, "startsAt");
        Objects.requireNonNull(endsAt, "endsAt");
        if (!endsAt.isAfter(startsAt)) {
            throw new IllegalArgumentException("endsAt must be after startsAt");
        }
        author = author == null ? "" : author;
        comment = comment == null ? "" : comment;
        if (author.length() > 200 || comment.length() > 1000) {
            throw new IllegalArgumentException("author ≤ 200 and comment ≤ 1000 characters");
        }
    }

    /** True when the silence applies at {@code now}. */
    public boolean isActiveAt(Instant now) {
        return !now.isBefore(startsAt) && now.isBefore(endsAt);
    }

    /** True when the silence ended before {@code now}; stores may drop it after a retention period. */
    public boolean isExpiredAt(Instant now) {
        return !now.isBefore(endsAt);
    }
}
