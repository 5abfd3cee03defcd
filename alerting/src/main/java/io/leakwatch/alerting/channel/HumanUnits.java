package io.leakwatch.alerting.channel;

import java.util.Locale;

/**
 * Human-readable numbers for messages: byte slopes in binary units (1 MB = 1024 × 1024 bytes, the JVM's
 * convention) per hour, counts per hour, ratios as percentage points per hour, durations as {@code 2d 3h},
 * {@code 5h 20m} or {@code 45m}.
 */
public final class HumanUnits {

    private static final String[] BYTE_UNITS = {"B", "KB", "MB", "GB", "TB"};

    private HumanUnits() {
    }

    /** A slope such as {@code +12.5 MB/h}, {@code +3 threads/h}, {@code +0.4 pp/h}; "n/a" for NaN. */
    public static String slope(double perHour, String unit) {
        if (Double.isNaN(perHour) || Double.isInfinite(perHour)) {
            return "n/a";
        }
        String sign = perHour >= 0 ? "+" : "-";
        double v = Math.abs(perHour);
        return switch (unit == null ? "" : unit) {
            case "bytes" -> {
                int i = 0;
                while (v >= 1024 && i < BYTE_UNITS.length - 1) {
                    v /= 1024;
                    i++;
                }
                yield sign + number(v) + " " + BYTE_UNITS[i] + "/h";
            }
            case "ratio" -> sign + number(v * 100) + " pp/h";
            default -> sign + number(v) + " " + unit + "/h";
        };
    }

    /** A duration in seconds such as {@code 2d 3h}, {@code 5h 20m}, {@code 45m}, {@code 30s}; "unknown" for null. */
    public static String duration(Long seconds) {
        if (seconds == null || seconds < 0) {
            return "unknown";
        }
        long d = seconds / 86_400;
        long h = seconds % 86_400 / 3600;
        long m = seconds % 3600 / 60;
        if (d > 0) {
            return h > 0 ? d + "d " + h + "h" : d + "d";
        }
        if (h > 0) {
            return m > 0 ? h + "h " + m + "m" : h + "h";
        }
        return m > 0 ? m + "m" : seconds + "s";
    }

    private static String number(double v) {
        if (v >= 100 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, v >= 10 ? "%.1f" : "%.2f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
