package io.leakwatch.queryapi;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the time forms the API accepts into epoch milliseconds:
 * <ul>
 *   <li>ISO-8601 / RFC 3339 instants with {@code Z} or an offset: {@code 2026-01-01T10:00:00Z},
 *       {@code 2026-01-01T12:00:00.5+02:00};</li>
 *   <li>epoch milliseconds: {@code 1767261600000};</li>
 *   <li>{@code now}, and relative to it: {@code now-1h}, {@code now-90s}, {@code -30m}, {@code now+5m}
 *       (units {@code ms s m h d w}).</li>
 * </ul>
 * Everything else, and anything outside years 1970..9999, is rejected with a {@link BadParameterException}.
 */
public final class TimeParameter {

    private static final int MAX_LENGTH = 64;
    private static final Pattern EPOCH_MILLIS = Pattern.compile("\\d{1,15}");
    private static final Pattern RELATIVE = Pattern.compile("(?:now)?(?:([+-])(\\d{1,9})(ms|s|m|h|d|w))?");
    private static final long MAX_MILLIS = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();

    private TimeParameter() {
    }

    /**
     * @param name  the parameter's name, for the error message
     * @param value the raw value (not null)
     * @param now   the instant {@code now} stands for
     * @return epoch milliseconds
     */
    public static long parse(String name, String value, Instant now) {
        if (value.length() > MAX_LENGTH) {
            throw new BadParameterException(name, name + " is longer than " + MAX_LENGTH + " characters");
        }
        // A '+' in a query string that was not percent-encoded arrives as a space; ISO and relative
        // forms never contain spaces, so putting it back is safe.
        String v = value.strip().replace(' ', '+');
        if (v.isEmpty()) {
            throw new BadParameterException(name, name + " is empty");
        }
        long millis;
        if (EPOCH_MILLIS.matcher(v).matches()) {
            millis = Long.parseLong(v);
        } else if (v.startsWith("now") || v.startsWith("-") || v.startsWith("+")) {
            millis = relative(name, v, now);
        } else {
            millis = iso(name, v);
        }
        if (millis < 0 || millis > MAX_MILLIS) {
            throw new BadParameterException(name, name + " is outside years 1970..9999");
        }
        return millis;
    }

    private static long relative(String name, String v, Instant now) {
        Matcher m = RELATIVE.matcher(v);
        if (!m.matches() || v.isEmpty() || (!v.startsWith("now") && m.group(1) == null)) {
            throw invalid(name);
        }
        if (m.group(1) == null) {
            return now.toEpochMilli();
        }
        long amount = Long.parseLong(m.group(2));
        Duration offset = switch (m.group(3)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            case "w" -> Duration.ofDays(7 * amount);
            default -> throw invalid(name);
        };
        try {
            Instant t = "-".equals(m.group(1)) ? now.minus(offset) : now.plus(offset);
            return t.toEpochMilli();
        } catch (ArithmeticException | DateTimeException e) {
            throw new BadParameterException(name, name + " is outside years 1970..9999");
        }
    }

    private static long iso(String name, String v) {
        try {
            return OffsetDateTime.parse(v, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
        } catch (DateTimeException | ArithmeticException e) {
            throw invalid(name);
        }
    }

    private static BadParameterException invalid(String name) {
        return new BadParameterException(name, name
                + " must be an ISO-8601 instant (2026-01-01T10:00:00Z), epoch milliseconds, or relative to now"
                + " (now, now-1h, -30m; units ms s m h d w)");
    }
}
