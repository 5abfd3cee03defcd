package io.leakwatch.queryapi;

import io.vertx.core.MultiMap;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Validates {@code GET /api/v1/instances/{id}/attribution?from=&to=&baseline=} (or
 * {@code baselineFrom=&baselineTo=}) and {@code maxClasses=}. {@code to} defaults to now and {@code from} to an
 * hour before {@code to}; the baseline defaults to a window as long as the range, ending where it starts, so
 * the default question is "what is in the old generation now that was not there an hour ago". Strict like
 * {@link QueryParameters}: unknown, repeated or contradictory parameters are a 400 that names the parameter.
 */
public final class AttributionParameters {

    static final Duration DEFAULT_RANGE = Duration.ofHours(1);
    static final int DEFAULT_MAX_CLASSES = 20;
    static final int MAX_CLASSES = 100;
    private static final Set<String> ACCEPTED = Set.of("from", "to", "baseline", "baselineFrom", "baselineTo", "maxClasses");

    private final Duration maxRange;

    public AttributionParameters(QueryApiConfig config) {
        this.maxRange = config.maxRange();
    }

    public AttributionQuery parse(String rawId, MultiMap params, Instant now) {
        String id = QueryParameters.instanceId(rawId);
        for (String name : params.names()) {
            if (!ACCEPTED.contains(name)) {
                throw new BadParameterException(name, "unknown parameter " + name + "; accepted: " + String.join(", ",
                        new java.util.TreeSet<>(ACCEPTED)));
            }
            if (params.getAll(name).size() > 1) {
                throw new BadParameterException(name, name + " must be given at most once");
            }
        }
        String toRaw = params.get("to");
        String fromRaw = params.get("from");
        long to = toRaw == null ? now.toEpochMilli() : TimeParameter.parse("to", toRaw, now);
        long from = fromRaw == null ? to - DEFAULT_RANGE.toMillis() : TimeParameter.parse("from", fromRaw, now);
        check(fromRaw == null ? "to" : "from", from, to, "from must be before to" + (toRaw == null ? " (to defaults to now)" : ""));

        String baseline = params.get("baseline");
        String bFromRaw = params.get("baselineFrom");
        String bToRaw = params.get("baselineTo");
        long baselineFrom;
        long baselineTo;
        if (baseline != null && (bFromRaw != null || bToRaw != null)) {
            throw new BadParameterException("baseline", "give either baseline (a window before from) or"
                    + " baselineFrom and baselineTo, not both");
        }
        if (bFromRaw != null || bToRaw != null) {
            if (bFromRaw == null || bToRaw == null) {
                String missing = bFromRaw == null ? "baselineFrom" : "baselineTo";
                throw new BadParameterException(missing, "baselineFrom and baselineTo go together; " + missing + " is missing");
            }
            baselineFrom = TimeParameter.parse("baselineFrom", bFromRaw, now);
            baselineTo = TimeParameter.parse("baselineTo", bToRaw, now);
            check("baselineFrom", baselineFrom, baselineTo, "baselineFrom must be before baselineTo");
        } else {
            Duration length = baseline == null ? Duration.ofMillis(to - from)
                    : WindowParameter.parse("baseline", baseline.strip(), maxRange);
            baselineTo = from;
            baselineFrom = from - length.toMillis();
            check("baseline", baselineFrom, baselineTo, "the baseline must end after it starts");
        }
        int maxClasses = maxClasses(params.get("maxClasses"));
        return new AttributionQuery(id, from, to, baselineFrom, baselineTo, maxClasses);
    }

    private void check(String blamed, long from, long to, String message) {
        if (from >= to) {
            throw new BadParameterException(blamed, message);
        }
        if (from < 0) {
            throw new BadParameterException(blamed, "the range starts before 1970");
        }
        if (to - from > maxRange.toMillis()) {
            throw new BadParameterException(blamed, "the range is wider than the maximum of " + maxRange.toHours() + " h");
        }
    }

    private static int maxClasses(String raw) {
        if (raw == null) {
            return DEFAULT_MAX_CLASSES;
        }
        int value;
        try {
            value = raw.length() > 4 ? -1 : Integer.parseInt(raw.strip());
        } catch (NumberFormatException e) {
            value = -1;
        }
        if (value < 1 || value > MAX_CLASSES) {
            throw new BadParameterException("maxClasses", "maxClasses must be an integer in 1.." + MAX_CLASSES);
        }
        return value;
    }
}
