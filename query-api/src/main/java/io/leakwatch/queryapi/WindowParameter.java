package io.leakwatch.queryapi;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses analysis windows: a whole number and a unit, {@code 30m}, {@code 6h}, {@code 7d}. Anything else,
 * and windows outside one minute..{@code max}, are rejected with a {@link BadParameterException}.
 */
public final class WindowParameter {

    private static final Pattern WINDOW = Pattern.compile("(\\d{1,6})([mhd])");

    private WindowParameter() {
    }

    public static Duration parse(String name, String value, Duration max) {
        Matcher m = WINDOW.matcher(value == null ? "" : value);
        if (!m.matches()) {
            throw new BadParameterException(name, name + " must be a whole number of minutes, hours or days,"
                    + " e.g. 30m, 6h, 7d");
        }
        long amount = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
        if (d.compareTo(Duration.ofMinutes(1)) < 0 || d.compareTo(max) > 0) {
            throw new BadParameterException(name, name + " must be between 1m and " + max.toDays() + "d");
        }
        return d;
    }
}
