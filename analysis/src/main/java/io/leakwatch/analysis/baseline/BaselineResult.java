package io.leakwatch.analysis.baseline;

/**
 * A baseline's answer.
 *
 * @param baseline the baseline's name
 * @param fires    whether it raises a leak alert
 * @param score    the number it compared with its threshold (see each baseline)
 * @param detail   a short explanation for tables and logs
 */
public record BaselineResult(String baseline, boolean fires, double score, String detail) {
}
