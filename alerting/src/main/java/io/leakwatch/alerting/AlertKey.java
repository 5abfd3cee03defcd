package io.leakwatch.alerting;

import io.leakwatch.analysis.Signal;
import java.util.Map;
import java.util.Objects;

/**
 * The identity of one alert group: a rule firing for one signal of one service version in one environment.
 * All instances of that version share one alert, hence one message.
 */
public record AlertKey(String ruleId, String service, String version, String environment, Signal signal) {

    public AlertKey {
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(signal, "signal");
    }

    /** A stable text id, usable as a primary key and in URLs: the fields joined with '|'. */
    public String id() {
        return String.join("|", ruleId, service, version, environment, signal.id());
    }

    /** The labels silences match against, without the instances. */
    public Map<String, String> labels(Severity severity) {
        return Map.of("rule", ruleId, "service", service, "version", version, "environment", environment,
                "signal", signal.id(), "severity", severity.id());
    }
}
