package io.leakwatch.queryapi;

import io.leakwatch.analysis.Evidence;
import io.leakwatch.analysis.FittedLine;
import io.leakwatch.analysis.Reason;
import io.leakwatch.analysis.SignalResult;
import io.leakwatch.analysis.Wording;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The JSON shapes of the analysis endpoints. Times are ISO-8601 UTC strings, except evidence points which
 * are {@code [epochMs, value]} pairs like {@code /api/v1/series}; numbers that are not finite become null,
 * so the output is always valid JSON.
 */
final class AnalysisJson {

    private AnalysisJson() {
    }

    /** The {@code window} query value for a duration, in the largest exact unit. */
    static String window(Duration d) {
        long minutes = d.toMinutes();
        if (minutes % (24 * 60) == 0) {
            return minutes / (24 * 60) + "d";
        }
        return minutes % 60 == 0 ? minutes / 60 + "h" : minutes + "m";
    }

    static String evidenceLink(String instance, Duration window) {
        return "/api/v1/instances/" + URLEncoder.encode(instance, StandardCharsets.UTF_8).replace("+", "%20")
                + "/analysis?window=" + window(window);
    }

    static JsonObject suspect(Suspect s, Duration window) {
        JsonObject links = new JsonObject();
        if (s.instance() != null) {
            links.put("evidence", evidenceLink(s.instance(), window));
            links.put("attribution", "/api/v1/instances/"
                    + URLEncoder.encode(s.instance(), StandardCharsets.UTF_8).replace("+", "%20") + "/attribution");
        } else {
            links.put("instances", "/api/v1/instances?service=" + encode(s.service()) + "&version=" + encode(s.version()));
        }
        return new JsonObject()
                .put("service", s.service())
                .put("version", s.version())
                .put("instance", s.instance())
                .put("environment", s.environment())
                .put("signal", s.signal().id())
                .put("verdict", s.verdict().id())
                .put("confidence", s.confidence())
                .put("slopePerHour", finite(s.slopePerHour()))
                .put("unit", s.unit())
                .put("timeToExhaustionSeconds", s.timeToExhaustionSeconds())
                .put("since", time(s.sinceMs()))
                .put("message", Wording.english(s.reason()))
                .put("reason", reason(s.reason()))
                .put("growingInstances", s.growingInstances())
                .put("instances", s.instances())
                .put("links", links);
    }

    static JsonObject instanceReport(AnalysisService.InstanceReport r, Duration window) {
        JsonArray signals = new JsonArray();
        for (SignalResult s : r.results()) {
            signals.add(signal(s));
        }
        JsonArray changes = new JsonArray();
        r.context().changesMs().forEach(t -> changes.add(time(t)));
        return new JsonObject()
                .put("instance", r.instance().instance())
                .put("service", r.instance().service())
                .put("version", r.instance().version())
                .put("environment", r.instance().environment())
                .put("window", window(window))
                .put("from", time(r.fromMs()))
                .put("to", time(r.toMs()))
                .put("stepSeconds", r.stepMs() / 1000)
                .put("heapMaxBytes", r.instance().heapMaxBytes())
                .put("reclaimingCollections", r.context().reclaimingCollectionsMs().size())
                .put("versionChanges", changes)
                .put("signals", signals);
    }

    static JsonObject signal(SignalResult s) {
        Evidence e = s.evidence();
        JsonObject evidence = null;
        if (e != null) {
            long[] t = e.timestampsMs();
            double[] v = e.values();
            JsonArray points = new JsonArray();
            for (int i = 0; i < t.length; i++) {
                points.add(new JsonArray().add(t[i]).add(finite(v[i])));
            }
            FittedLine fit = e.fit();
            evidence = new JsonObject()
                    .put("points", points)
                    .put("fit", fit == null ? null : new JsonObject()
                            .put("start", time(fit.startMs()))
                            .put("startValue", finite(fit.startValue()))
                            .put("end", time(fit.endMs()))
                            .put("endValue", finite(fit.endValue()))
                            .put("slopePerHour", finite(fit.slopePerHour())))
                    .put("slopeLowPerHour", finite(e.slopeLowPerHour()))
                    .put("slopeHighPerHour", finite(e.slopeHighPerHour()))
                    .put("pValue", finite(e.pValue()))
                    .put("kendallTau", finite(e.kendallTau()))
                    .put("reclaimingCollections", e.reclaimingCollections());
        }
        return new JsonObject()
                .put("signal", s.signal().id())
                .put("series", s.seriesName())
                .put("verdict", s.verdict().id())
                .put("confidence", s.confidence())
                .put("slopePerHour", finite(s.slopePerHour()))
                .put("unit", s.unit())
                .put("timeToExhaustionSeconds", s.timeToExhaustionSeconds())
                .put("windowStart", s.windowStartMs() == 0 ? null : time(s.windowStartMs()))
                .put("windowEnd", s.windowEndMs() == 0 ? null : time(s.windowEndMs()))
                .put("since", time(s.sinceMs()))
                .put("message", s.message())
                .put("reason", reason(s.reason()))
                .put("evidence", evidence);
    }

    static JsonObject reason(Reason r) {
        JsonObject params = new JsonObject();
        for (Map.Entry<String, Object> e : r.params().entrySet()) {
            Object v = e.getValue();
            params.put(e.getKey(), v instanceof Double d ? finite(d) : v instanceof Number || v instanceof Boolean
                    ? v : v == null ? null : String.valueOf(v));
        }
        return new JsonObject().put("key", r.key()).put("params", params);
    }

    static JsonArray services(List<io.leakwatch.store.ServiceInfo> services) {
        JsonArray out = new JsonArray();
        for (io.leakwatch.store.ServiceInfo s : services) {
            JsonArray versions = new JsonArray();
            for (io.leakwatch.store.ServiceInfo.VersionCount v : s.versions()) {
                versions.add(new JsonObject().put("version", v.version()).put("instances", v.instances())
                        .put("lastSeen", time(v.lastSeenMillis())));
            }
            out.add(new JsonObject().put("service", s.service()).put("instances", s.instances())
                    .put("lastSeen", time(s.lastSeenMillis()))
                    .put("environment", s.environments().size() == 1 ? s.environments().getFirst() : null)
                    .put("environments", new JsonArray(List.copyOf(s.environments())))
                    .put("versions", versions));
        }
        return out;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String time(Long ms) {
        return ms == null ? null : Instant.ofEpochMilli(ms).toString();
    }

    static Double finite(double d) {
        return Double.isFinite(d) ? d : null;
    }
}
