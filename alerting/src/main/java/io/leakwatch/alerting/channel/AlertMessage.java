package io.leakwatch.alerting.channel;

import io.leakwatch.alerting.AlertRule;
import io.leakwatch.alerting.Finding;
import io.leakwatch.alerting.Severity;
import io.leakwatch.analysis.Signal;
import io.leakwatch.analysis.Verdict;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The channel-independent view model of one alert message. Every channel renders the same content from it:
 * service, version, instances, signal, slope with units, time to exhaustion, confidence, the top suspected
 * class and allocation site when known, and the link. Wording comes from {@link MessageWording}.
 *
 * @param status                  firing, resolved or test
 * @param severity                the rule's severity
 * @param ruleId                  the rule's id ("" for a test)
 * @param ruleName                the rule's name
 * @param service                 service name
 * @param version                 service version
 * @param environment             environment ("" when unknown)
 * @param instances               instance ids, sorted
 * @param signal                  the signal
 * @param verdict                 the verdict
 * @param confidence              0–100
 * @param slopePerHour            growth in {@code unit} per hour (NaN when none was fitted)
 * @param unit                    the slope's unit
 * @param timeToExhaustionSeconds seconds to exhaustion, or null
 * @param since                   when the growth began, or null
 * @param topSuspectedClass       from JFR attribution, or null
 * @param allocationSite          from JFR attribution, or null
 * @param link                    deep link to the UI page
 * @param at                      when the message was produced
 */
public record AlertMessage(Status status, Severity severity, String ruleId, String ruleName, String service,
                           String version, String environment, List<String> instances, Signal signal,
                           Verdict verdict, int confidence, double slopePerHour, String unit,
                           Long timeToExhaustionSeconds, Instant since, String topSuspectedClass,
                           String allocationSite, String link, Instant at) {

    /** How many instance ids a message lists before "+N more". */
    public static final int MAX_LISTED_INSTANCES = 10;

    /** What the message says about the alert. */
    public enum Status {
        FIRING, RESOLVED, TEST;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One labelled line of a message. */
    public record Field(String key, String label, String value) {
    }

    public AlertMessage {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(severity, "severity");
        instances = List.copyOf(instances);
        Objects.requireNonNull(at, "at");
    }

    /** The message for a rule's (merged) finding. */
    public static AlertMessage of(Status status, AlertRule rule, Finding f, Instant at) {
        return new AlertMessage(status, rule.severity(), rule.id(), rule.name(), f.service(), f.version(),
                f.environment(), f.instances().stream().sorted().toList(), f.signal(), f.verdict(), f.confidence(),
                f.slopePerHour(), f.unit(), f.timeToExhaustionSeconds(), f.since(), f.topSuspectedClass(),
                f.allocationSite(), f.link(), at);
    }

    /** A recognisable test message for a channel; the content is sample data, clearly marked. */
    public static AlertMessage test(String channelId, String link, Instant at) {
        return new AlertMessage(Status.TEST, Severity.INFO, "", "test message for " + channelId, "example-service",
                "1.0.0", "test", List.of("example-instance-1"), Signal.HEAP, Verdict.GROWING, 90,
                12.5 * 1024 * 1024, "bytes", 5L * 3600 + 20 * 60, at, null, null, link, at);
    }

    /** The title line, e.g. {@code [critical] heap leak in checkout 1.5.0}. */
    public String title() {
        return MessageWording.english().format("title." + status.id(), placeholders(""));
    }

    /** One plain-text sentence; the fallback text of channels with rich layouts. */
    public String summary(String channelId) {
        return MessageWording.english().format("summary." + status.id(), placeholders(channelId));
    }

    /** The slope, e.g. {@code +12.5 MB/h}. */
    public String slopeText() {
        return HumanUnits.slope(slopePerHour, unit);
    }

    /** The time to exhaustion, e.g. {@code 5h 20m}, or "unknown". */
    public String timeToExhaustionText() {
        return HumanUnits.duration(timeToExhaustionSeconds);
    }

    /** Up to {@value #MAX_LISTED_INSTANCES} instance ids, then "+N more". */
    public String instancesText() {
        if (instances.size() <= MAX_LISTED_INSTANCES) {
            return String.join(", ", instances);
        }
        return String.join(", ", instances.subList(0, MAX_LISTED_INSTANCES)) + " "
                + MessageWording.english().format("instances.more",
                Map.of("count", Integer.toString(instances.size() - MAX_LISTED_INSTANCES)));
    }

    /** The labelled fields in display order; attribution fields only when known, environment only when set. */
    public List<Field> fields() {
        MessageWording w = MessageWording.english();
        List<Field> out = new ArrayList<>();
        add(out, w, "service", service);
        add(out, w, "version", version);
        if (!environment.isEmpty()) {
            add(out, w, "environment", environment);
        }
        add(out, w, "instances", instancesText());
        add(out, w, "signal", signal.id());
        add(out, w, "verdict", verdict.id());
        add(out, w, "slope", slopeText());
        add(out, w, "timeToExhaustion", timeToExhaustionText());
        add(out, w, "confidence", confidence + "/100");
        if (since != null) {
            add(out, w, "since", DateTimeFormatter.ISO_INSTANT.format(since));
        }
        if (topSuspectedClass != null) {
            add(out, w, "suspect", topSuspectedClass);
        }
        if (allocationSite != null) {
            add(out, w, "allocationSite", allocationSite);
        }
        return out;
    }

    /** The label of the link button. */
    public String linkLabel() {
        return MessageWording.english().text("action.open");
    }

    private static void add(List<Field> out, MessageWording w, String key, String value) {
        out.add(new Field(key, w.text("field." + key), value == null ? "" : value));
    }

    private Map<String, String> placeholders(String channelId) {
        Map<String, String> m = new HashMap<>();
        m.put("status", status.id());
        m.put("severity", severity.id());
        m.put("signal", signal.id());
        m.put("verdict", verdict.id());
        m.put("service", service);
        m.put("version", version);
        m.put("environment", environment);
        m.put("instanceCount", Integer.toString(instances.size()));
        m.put("rule", ruleId);
        m.put("ruleName", ruleName);
        m.put("slope", slopeText());
        m.put("confidence", Integer.toString(confidence));
        m.put("tte", timeToExhaustionText());
        m.put("channel", channelId);
        return m;
    }
}
