package io.leakwatch.collector.jfr;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The JFR side of the collector's own health, exported with the JVM's metrics:
 * {@code leakwatch.collector.feature} (1 on, 0 off; attributes {@code feature}, {@code state} and, when off,
 * {@code reason}), so a fleet view shows which JVMs cannot give JFR evidence and why;
 * {@code leakwatch.collector.jfr.exported} and {@code leakwatch.collector.jfr.dropped} (attribute
 * {@code reason}: {@code oversize} or {@code failed}). Attribute sets are built once.
 */
public final class JfrSelfMetrics {
    private static final AttributeKey<String> FEATURE = AttributeKey.stringKey("feature");
    private static final AttributeKey<String> STATE = AttributeKey.stringKey("state");
    private static final AttributeKey<String> REASON = AttributeKey.stringKey("reason");
    private static final Attributes OVERSIZE = Attributes.of(REASON, "oversize");
    private static final Attributes FAILED = Attributes.of(REASON, "failed");

    private JfrSelfMetrics() {}

    /** @param recorder the running recorder, or null when leak recordings are off */
    public static List<AutoCloseable> registerObservers(Meter meter, JfrFeatures features, LeakRecorder recorder) {
        List<Map.Entry<Attributes, Long>> states = new ArrayList<>();
        features.states().forEach((feature, s) -> states.add(Map.entry(
                s.on() ? Attributes.of(FEATURE, feature, STATE, "on")
                        : Attributes.of(FEATURE, feature, STATE, "off", REASON, s.reason()),
                s.on() ? 1L : 0L)));
        List<AutoCloseable> out = new ArrayList<>();
        out.add(meter.gaugeBuilder("leakwatch.collector.feature").ofLongs()
                .setDescription("Collector features: 1 when on, 0 when off (with the reason).")
                .setUnit("1")
                .buildWithCallback(m -> states.forEach(e -> m.record(e.getValue(), e.getKey()))));
        if (recorder != null) {
            out.add(meter.counterBuilder("leakwatch.collector.jfr.exported")
                    .setDescription("JFR leak recordings delivered.")
                    .setUnit("{recording}")
                    .buildWithCallback(m -> m.record(recorder.exported())));
            out.add(meter.counterBuilder("leakwatch.collector.jfr.dropped")
                    .setDescription("JFR leak recordings dropped: over the size limit, or not delivered.")
                    .setUnit("{recording}")
                    .buildWithCallback(m -> {
                        m.record(recorder.droppedOversize(), OVERSIZE);
                        m.record(recorder.droppedFailed(), FAILED);
                    }));
        }
        return out;
    }
}
