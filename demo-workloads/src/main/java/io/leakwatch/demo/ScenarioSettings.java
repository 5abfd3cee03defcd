package io.leakwatch.demo;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The validated arguments of one scenario run. Every value is checked here, once, with a message that
 * names the key and the value; scenarios trust what they get.
 *
 * <p>Keys: {@code rate} (in the signal's {@link Signal#rateUnit()}), {@code garbage-mb-per-s} (the
 * steady request garbage), {@code duration} (how long to run; absent: until killed), and, for the
 * scenarios that declare them, {@code limit} (a bound in the signal's unit: KiB or a count),
 * {@code period} (a cycle length) and {@code deploy-at} (when the simulated deploy happens). Durations
 * are an integer with {@code ms}, {@code s}, {@code m} or {@code h}, so a test can compress hours
 * into seconds by scaling {@code rate}, {@code period} and {@code duration} together.
 *
 * @param rate the behaviour's rate, per second, in the signal's rate unit
 * @param garbageMbPerSecond steady short-lived allocation rate
 * @param duration run time, or {@code null} to run until stopped
 * @param limit bound for scenarios that take one (KiB for byte signals, else a count), or 0
 * @param period cycle length for scenarios that take one, or {@code null}
 * @param deployAt time of the simulated deploy for scenarios that take one, or {@code null}
 */
public record ScenarioSettings(double rate, int garbageMbPerSecond, Duration duration, long limit,
        Duration period, Duration deployAt) {

    /** Keys every scenario accepts, with their defaults ({@code duration} has none: run until killed). */
    public static final Map<String, String> COMMON_DEFAULTS = Map.of("garbage-mb-per-s", "20");
    public static final Set<String> COMMON_KEYS = Set.of("rate", "garbage-mb-per-s", "duration");

    static final double MAX_RATE = 1_000_000;
    static final int MAX_GARBAGE_MB_PER_S = 4096;
    static final long MAX_LIMIT = 1_000_000_000L;
    static final Duration MAX_DURATION = Duration.ofDays(30);

    /**
     * Merges the common defaults, the scenario's defaults and {@code args} (later wins) and validates.
     *
     * @throws IllegalArgumentException naming the key and value at fault
     */
    public static ScenarioSettings parse(Scenario scenario, Map<String, String> args) {
        Map<String, String> merged = new LinkedHashMap<>(COMMON_DEFAULTS);
        merged.putAll(scenario.defaultArgs());
        Set<String> allowed = new TreeSet<>(COMMON_KEYS);
        allowed.addAll(scenario.defaultArgs().keySet());
        for (Map.Entry<String, String> arg : args.entrySet()) {
            if (!allowed.contains(arg.getKey())) {
                throw new IllegalArgumentException("scenario " + scenario.name() + " does not take '"
                        + arg.getKey() + "' (it takes " + String.join(", ", allowed) + ")");
            }
            merged.put(arg.getKey(), arg.getValue());
        }
        return new ScenarioSettings(
                rate(merged.get("rate")),
                garbage(merged.get("garbage-mb-per-s")),
                merged.containsKey("duration") ? duration("duration", merged.get("duration")) : null,
                merged.containsKey("limit") ? limit(merged.get("limit")) : 0,
                merged.containsKey("period") ? positive("period", duration("period", merged.get("period"))) : null,
                merged.containsKey("deploy-at") ? duration("deploy-at", merged.get("deploy-at")) : null);
    }

    /** Returns a copy with another rate, for callers that scale a scenario programmatically. */
    public ScenarioSettings withRate(double newRate) {
        return new ScenarioSettings(rate(Double.toString(newRate)), garbageMbPerSecond, duration, limit, period,
                deployAt);
    }

    private static double rate(String value) {
        double parsed;
        try {
            parsed = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("rate must be a number, got '" + value + "'");
        }
        if (!(parsed >= 0 && parsed <= MAX_RATE)) {
            throw new IllegalArgumentException("rate must be between 0 and " + (long) MAX_RATE + ", got '" + value + "'");
        }
        return parsed;
    }

    private static int garbage(String value) {
        long parsed = integer("garbage-mb-per-s", value);
        if (parsed < 0 || parsed > MAX_GARBAGE_MB_PER_S) {
            throw new IllegalArgumentException("garbage-mb-per-s must be between 0 and " + MAX_GARBAGE_MB_PER_S
                    + ", got '" + value + "'");
        }
        return (int) parsed;
    }

    private static long limit(String value) {
        long parsed = integer("limit", value);
        if (parsed < 1 || parsed > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", got '" + value + "'");
        }
        return parsed;
    }

    private static long integer(String key, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + value + "'");
        }
    }

    private static Duration positive(String key, Duration value) {
        if (value.toMillis() < 100) {
            throw new IllegalArgumentException(key + " must be at least 100ms, got " + value.toMillis() + "ms");
        }
        return value;
    }

    /** Parses {@code 500ms}, {@code 90s}, {@code 30m} or {@code 2h}. */
    static Duration duration(String key, String value) {
        String unit = value.endsWith("ms") ? "ms" : value.isEmpty() ? "" : value.substring(value.length() - 1);
        String digits = value.substring(0, value.length() - unit.length());
        long amount;
        try {
            amount = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            amount = -1;
        }
        Duration parsed = switch (unit) {
            case "ms" -> amount >= 0 ? Duration.ofMillis(amount) : null;
            case "s" -> amount >= 0 && amount <= MAX_DURATION.toSeconds() ? Duration.ofSeconds(amount) : null;
            case "m" -> amount >= 0 && amount <= MAX_DURATION.toMinutes() ? Duration.ofMinutes(amount) : null;
            case "h" -> amount >= 0 && amount <= MAX_DURATION.toHours() ? Duration.ofHours(amount) : null;
            default -> null;
        };
        if (parsed == null || parsed.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(key + " must be a whole number of ms, s, m or h up to 30 days, got '"
                    + value + "'");
        }
        return parsed;
    }
}
