package io.leakwatch.queryapi.alerts;

import io.leakwatch.alerting.AlertKey;
import io.leakwatch.alerting.AlertRule;
import io.leakwatch.alerting.AlertState;
import io.leakwatch.alerting.AlertStatus;
import io.leakwatch.alerting.DurationText;
import io.leakwatch.alerting.Finding;
import io.leakwatch.alerting.LabelMatcher;
import io.leakwatch.alerting.Severity;
import io.leakwatch.alerting.Silence;
import io.leakwatch.alerting.delivery.DeliveryRecord;
import io.leakwatch.analysis.Signal;
import io.leakwatch.analysis.Verdict;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The JSON forms of the alerting model, used both for the REST API and for the documents the store keeps.
 * A rule's JSON has exactly the fields of a rule in the YAML rule file (so one parser, {@code RuleFileLoader},
 * validates both); states and silences round-trip through {@link #state}/{@link #stateFrom} and
 * {@link #silence}/{@link #silenceFrom}.
 */
public final class AlertJson {

    private AlertJson() {
    }

    /** A rule in the rule-file shape; {@code RuleFileLoader} parses it back to an equal rule. */
    public static JsonObject rule(AlertRule r) {
        JsonObject o = new JsonObject()
                .put("id", r.id())
                .put("name", r.name())
                .put("enabled", r.enabled())
                .put("matchers", new JsonArray(r.matchers().stream().map(LabelMatcher::toString).toList()));
        if (r.signals().isEmpty()) {
            o.put("signal", "any");
        } else {
            o.put("signals", new JsonArray(r.signals().stream().sorted().map(Signal::id).toList()));
        }
        JsonObject condition = new JsonObject()
                .put("verdicts", new JsonArray(r.condition().verdicts().stream().sorted()
                        .map(v -> v.name().toLowerCase(Locale.ROOT)).toList()))
                .put("minConfidence", r.condition().minConfidence());
        if (r.condition().maxTimeToExhaustion() != null) {
            condition.put("timeToExhaustionBelow", DurationText.format(r.condition().maxTimeToExhaustion()));
        }
        return o.put("condition", condition)
                .put("for", DurationText.format(r.forDuration()))
                .put("severity", r.severity().id())
                .put("channels", new JsonArray(r.channelIds()))
                .put("repeatInterval", DurationText.format(r.repeatInterval()))
                .put("resolveDelay", DurationText.format(r.resolveDelay()));
    }

    public static JsonObject silence(Silence s) {
        return new JsonObject()
                .put("id", s.id())
                .put("matchers", new JsonArray(s.matchers().stream().map(LabelMatcher::toString).toList()))
                .put("startsAt", s.startsAt().toString())
                .put("endsAt", s.endsAt().toString())
                .put("author", s.author())
                .put("comment", s.comment());
    }

    /** A stored silence document back to a silence (trusted input: it was validated when written). */
    public static Silence silenceFrom(JsonObject o) {
        List<LabelMatcher> matchers = new ArrayList<>();
        for (Object m : o.getJsonArray("matchers")) {
            matchers.add(LabelMatcher.parse((String) m, LabelMatcher.SILENCE_LABELS));
        }
        return new Silence(o.getString("id"), matchers, Instant.parse(o.getString("startsAt")),
                Instant.parse(o.getString("endsAt")), o.getString("author"), o.getString("comment"));
    }

    public static JsonObject finding(Finding f) {
        return new JsonObject()
                .put("service", f.service())
                .put("version", f.version())
                .put("environment", f.environment())
                .put("instances", new JsonArray(f.instances()))
                .put("signal", f.signal().id())
                .put("verdict", f.verdict().name().toLowerCase(Locale.ROOT))
                .put("confidence", f.confidence())
                .put("slopePerHour", Double.isFinite(f.slopePerHour()) ? f.slopePerHour() : null)
                .put("unit", f.unit())
                .put("timeToExhaustionSeconds", f.timeToExhaustionSeconds())
                .put("since", text(f.since()))
                .put("topSuspectedClass", f.topSuspectedClass())
                .put("allocationSite", f.allocationSite())
                .put("link", f.link());
    }

    public static Finding findingFrom(JsonObject o) {
        Double slope = o.getDouble("slopePerHour");
        List<String> instances = new ArrayList<>();
        o.getJsonArray("instances").forEach(i -> instances.add((String) i));
        return new Finding(o.getString("service"), o.getString("version"), o.getString("environment"), instances,
                Signal.fromId(o.getString("signal")), Verdict.valueOf(o.getString("verdict").toUpperCase(Locale.ROOT)),
                o.getInteger("confidence"), slope == null ? Double.NaN : slope, o.getString("unit"),
                o.getLong("timeToExhaustionSeconds"), instant(o.getString("since")), o.getString("topSuspectedClass"),
                o.getString("allocationSite"), o.getString("link"));
    }

    public static JsonObject state(AlertState s) {
        AlertKey k = s.key();
        return new JsonObject()
                .put("id", k.id())
                .put("rule", k.ruleId())
                .put("service", k.service())
                .put("version", k.version())
                .put("environment", k.environment())
                .put("signal", k.signal().id())
                .put("status", s.status().id())
                .put("severity", s.severity().id())
                .put("activeSince", text(s.activeSince()))
                .put("firingSince", text(s.firingSince()))
                .put("lastMatchedAt", text(s.lastMatchedAt()))
                .put("lastNotifiedAt", text(s.lastNotifiedAt()))
                .put("resolvedAt", text(s.resolvedAt()))
                .put("silencedBy", s.silencedBy())
                .put("finding", finding(s.finding()));
    }

    public static AlertState stateFrom(JsonObject o) {
        AlertKey key = new AlertKey(o.getString("rule"), o.getString("service"), o.getString("version"),
                o.getString("environment"), Signal.fromId(o.getString("signal")));
        return new AlertState(key, AlertStatus.valueOf(o.getString("status").toUpperCase(Locale.ROOT)),
                Severity.fromId(o.getString("severity")), instant(o.getString("activeSince")),
                instant(o.getString("firingSince")), instant(o.getString("lastMatchedAt")),
                instant(o.getString("lastNotifiedAt")), instant(o.getString("resolvedAt")), o.getString("silencedBy"),
                findingFrom(o.getJsonObject("finding")));
    }

    /** A delivery record as the API shows it: the target is already scheme + host, errors already scrubbed. */
    public static JsonObject delivery(DeliveryRecord r) {
        return new JsonObject()
                .put("channel", r.channelId())
                .put("type", r.type().id())
                .put("target", r.target())
                .put("test", r.test())
                .put("startedAt", text(r.startedAt()))
                .put("lastAttemptAt", text(r.lastAttemptAt()))
                .put("attempts", r.attempts())
                .put("outcome", r.outcome().name().toLowerCase(Locale.ROOT))
                .put("statusCode", r.statusCode())
                .put("lastError", r.lastError());
    }

    static String text(Instant t) {
        return t == null ? null : t.toString();
    }

    static Instant instant(String s) {
        return s == null ? null : Instant.parse(s);
    }
}
