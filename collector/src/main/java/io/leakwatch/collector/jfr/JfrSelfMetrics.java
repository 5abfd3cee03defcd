package io.leakwatch.collector.jfr;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The JFR side of the collector's own health, exported with the JVM's metrics:
 * {@code leakwatch.collector.feature} (1 on, 0 off; attributes {@code feature}, {@code state} and, when off,
 * {@code reason}), so a fleet view shows which JVMs cannot give JFR evidence and why;
 * {@code leakwatch.collector.jfr.exported} and {@code leakwatch.collector.jfr.dropped} (attribute
 * {@code reason}: {@code oversize}, {@code failed} when it could not be made, {@code queue_full} when the delivery
 * queue dropped it while the destination was unreachable, {@code rejected} when the destination refused it) and
 * {@code leakwatch.collector.jfr.retries}. Attribute sets are built once (the feature gauge's again when the first
 * leak recording has confirmed the features).
 */
public final class JfrSelfMetrics {
    private static final AttributeKey<String> FEATURE = AttributeKey.stringKey("feature");
    private static final AttributeKey<String> STATE = AttributeKey.stringKey("state");
    private static final AttributeKey<String> REASON = AttributeKey.stringKey("reason");
    private static final Attributes OVERSIZE = Attributes.of(REASON, "oversize");
    private static final Attributes FAILED = Attributes.of(REASON, "failed");
    private static final Attributes QUEUE_FULL = Attributes.of(REASON, "queue_full");
    private static final Attributes REJECTED = Attributes.of(REASON, "rejected");

    private JfrSelfMetrics() {}

    /**
     * @param features the features at the start
     * @param recorder the running recorder, whose features replace {@code features} once its first recording has
     *     confirmed them; null when leak recordings are off
     */
    public static List<AutoCloseable> registerObservers(Meter meter, JfrFeatures features, LeakRecorder recorder) {
        Supplier<JfrFeatures> current = recorder == null ? () -> features : recorder::features;
        FeaturePoints points = new FeaturePoints();
        List<AutoCloseable> out = new ArrayList<>();
        out.add(meter.gaugeBuilder("leakwatch.collector.feature").ofLongs()
                .setDescription("Collector features: 1 when on, 0 when off (with the reason).")
                .setUnit("1")
                .buildWithCallback(m -> points.of(current.get()).forEach(e -> m.record(e.getValue(), e.getKey()))));
        if (recorder != null) {
            out.add(meter.counterBuilder("leakwatch.collector.jfr.exported")
                    .setDescription("JFR leak recordings delivered.")
                    .setUnit("{recording}")
                    .buildWithCallback(m -> m.record(recorder.exported())));
            out.add(meter.counterBuilder("leakwatch.collector.jfr.dropped")
                    .setDescription("JFR leak recordings dropped: over the size limit, not made, queue full, or refused.")
                    .setUnit("{recording}")
                    .buildWithCallback(m -> {
                        m.record(recorder.droppedOversize(), OVERSIZE);
                        m.record(recorder.droppedFailed(), FAILED);
                        m.record(recorder.droppedQueueFull(), QUEUE_FULL);
                        m.record(recorder.droppedRejected(), REJECTED);
                    }));
            out.add(meter.counterBuilder("leakwatch.collector.jfr.retries")
                    .setDescription("Deliveries of JFR leak recordings retried after a failure.")
                    .setUnit("{attempt}")
                    .buildWithCallback(m -> m.record(recorder.retries())));
        }
        return out;
    }

    /** The gauge's points, built again only when the features change (once at most, at the first recording). */
    private static final class FeaturePoints {
        private JfrFeatures features; // only touched by the collection thread
        private List<Map.Entry<Attributes, Long>> points = List.of();

        List<Map.Entry<Attributes, Long>> of(JfrFeatures now) {
            if (now != features) {
                List<Map.Entry<Attributes, Long>> built = new ArrayList<>();
                now.states().forEach((feature, s) -> built.add(Map.entry(
                        s.on() ? Attributes.of(FEATURE, feature, STATE, "on")
                                : Attributes.of(FEATURE, feature, STATE, "off", REASON, s.reason()),
                        s.on() ? 1L : 0L)));
                points = built;
                features = now;
            }
            return points;
        }
    }
}
