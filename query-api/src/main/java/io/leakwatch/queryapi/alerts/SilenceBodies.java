package io.leakwatch.queryapi.alerts;

import io.leakwatch.alerting.DurationText;
import io.leakwatch.alerting.LabelMatcher;
import io.leakwatch.alerting.Silence;
import io.leakwatch.queryapi.BadParameterException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Validates a silence request body:
 * {@code {"matchers": ["service=\"checkout\""], "startsAt": ISO-8601 (default now), "endsAt": ISO-8601 or
 * "duration": "2h" (one of the two), "author": "…", "comment": "…"}}. A silence may last at most
 * {@link #MAX_LENGTH} and must end in the future; unknown fields are refused. The id is generated.
 */
public final class SilenceBodies {

    public static final Duration MAX_LENGTH = Duration.ofDays(90);
    private static final Set<String> FIELDS = Set.of("matchers", "startsAt", "endsAt", "duration", "author", "comment");

    private SilenceBodies() {
    }

    /** @throws BadParameterException naming the offending field */
    public static Silence parseRequest(JsonObject body, Instant now) {
        for (String f : body.fieldNames()) {
            if (!FIELDS.contains(f)) {
                throw new BadParameterException(f, "unknown field, expected one of " + String.join(", ",
                        FIELDS.stream().sorted().toList()));
            }
        }
        if (!(body.getValue("matchers") instanceof JsonArray list) || list.isEmpty()
                || list.size() > Silence.MAX_MATCHERS) {
            throw new BadParameterException("matchers", "a list of 1.." + Silence.MAX_MATCHERS
                    + " matchers like service=\"checkout\" is required");
        }
        List<LabelMatcher> matchers = new ArrayList<>();
        for (Object m : list) {
            if (!(m instanceof String text)) {
                throw new BadParameterException("matchers", "every matcher must be a string");
            }
            try {
                matchers.add(LabelMatcher.parse(text, LabelMatcher.SILENCE_LABELS));
            } catch (IllegalArgumentException e) {
                throw new BadParameterException("matchers", e.getMessage());
            }
        }
        Instant start = body.containsKey("startsAt") ? instant(body, "startsAt") : now;
        Instant end;
        if (body.containsKey("endsAt") == body.containsKey("duration")) {
            throw new BadParameterException("endsAt", "give exactly one of endsAt and duration");
        } else if (body.containsKey("endsAt")) {
            end = instant(body, "endsAt");
        } else {
            try {
                end = start.plus(DurationText.parse(string(body, "duration", 40)));
            } catch (IllegalArgumentException e) {
                throw new BadParameterException("duration", e.getMessage());
            }
        }
        if (!end.isAfter(start) || !end.isAfter(now)) {
            throw new BadParameterException("endsAt", "the silence must end after it starts and in the future");
        }
        if (Duration.between(start, end).compareTo(MAX_LENGTH) > 0) {
            throw new BadParameterException("endsAt", "a silence lasts at most 90 days");
        }
        String author = body.containsKey("author") ? string(body, "author", 200) : "";
        String comment = body.containsKey("comment") ? string(body, "comment", 1000) : "";
        return new Silence(UUID.randomUUID().toString(), matchers, start, end, author, comment);
    }

    private static String string(JsonObject body, String field, int max) {
        if (!(body.getValue(field) instanceof String s) || s.length() > max) {
            throw new BadParameterException(field, "expected a string of at most " + max + " characters");
        }
        return s;
    }

    private static Instant instant(JsonObject body, String field) {
        try {
            return Instant.parse(string(body, field, 40));
        } catch (DateTimeParseException e) {
            throw new BadParameterException(field, "expected an ISO-8601 instant like 2026-01-31T12:00:00Z");
        }
    }
}
