package io.leakwatch.demo;

import java.time.Duration;

/** Parsed demo arguments; see {@link DemoService} for the keys. A malformed value is a startup error. */
record DemoSettings(int leakKbPerSecond, int garbageMbPerSecond, Duration duration) {

    static DemoSettings parse(String[] args) {
        int leak = 64;
        int garbage = 20;
        Duration duration = null;
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got '" + arg + "'");
            }
            String key = arg.substring(0, eq);
            String value = arg.substring(eq + 1);
            switch (key) {
                case "leak-kb-per-s" -> leak = nonNegative(key, value);
                case "garbage-mb-per-s" -> garbage = nonNegative(key, value);
                case "duration" -> duration = duration(value);
                default -> throw new IllegalArgumentException("unknown key '" + key + "'");
            }
        }
        return new DemoSettings(leak, garbage, duration);
    }

    private static int nonNegative(String key, String value) {
        int parsed = Integer.parseInt(value);
        if (parsed < 0) {
            throw new IllegalArgumentException(key + " must be >= 0, got " + value);
        }
        return parsed;
    }

    private static Duration duration(String value) {
        char unit = value.charAt(value.length() - 1);
        long amount = Long.parseLong(value.substring(0, value.length() - 1));
        return switch (unit) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            default -> throw new IllegalArgumentException("duration needs s, m or h: " + value);
        };
    }
}
