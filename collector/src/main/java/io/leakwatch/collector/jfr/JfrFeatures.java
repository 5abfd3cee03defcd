package io.leakwatch.collector.jfr;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which JFR features this JVM can give, decided once at start: the leak recordings need JFR itself
 * ({@code jdk.jfr} module present, {@code FlightRecorder.isAvailable()}) and the {@code jdk.OldObjectSample}
 * event; allocation sites need {@code jdk.ObjectAllocationSample} (JDK 16+); GC summaries need
 * {@code jdk.GarbageCollection} and {@code jdk.GCHeapSummary}. A feature that is off carries the reason,
 * exported as the {@code leakwatch.collector.feature} gauge. Never throws.
 */
public final class JfrFeatures {
    public static final String LEAK_RECORDINGS = "jfr.leak_recordings";
    public static final String ALLOCATION_SAMPLES = "jfr.allocation_samples";
    public static final String GC_SUMMARIES = "jfr.gc_summaries";

    static final String OLD_OBJECT = "jdk.OldObjectSample";
    static final String ALLOCATION = "jdk.ObjectAllocationSample";
    static final List<String> GC_EVENTS = List.of("jdk.GarbageCollection", "jdk.GCHeapSummary");

    /** On or off, and why when off ("" when on). */
    public record State(boolean on, String reason) {
    }

    private final Map<String, State> states;

    private JfrFeatures(Map<String, State> states) {
        this.states = Collections.unmodifiableMap(states);
    }

    /** Probes this JVM. {@code enabled=false} reports every feature off by configuration. */
    public static JfrFeatures probe(boolean enabled) {
        if (!enabled) {
            return allOff("disabled by configuration (jfr.enabled=false)");
        }
        Set<String> events = new HashSet<>();
        try {
            if (!jdk.jfr.FlightRecorder.isAvailable()) {
                return allOff("JFR is not available in this JVM");
            }
            for (jdk.jfr.EventType type : jdk.jfr.FlightRecorder.getFlightRecorder().getEventTypes()) {
                events.add(type.getName());
            }
        } catch (Throwable e) {
            // NoClassDefFoundError without the jdk.jfr module, IllegalStateException/SecurityException otherwise
            return allOff("JFR is not available: " + e.getClass().getSimpleName());
        }
        return of(events);
    }

    /** The features given the event types a JVM has; for tests. */
    static JfrFeatures of(Set<String> events) {
        Map<String, State> s = new LinkedHashMap<>();
        boolean oldObjects = events.contains(OLD_OBJECT);
        s.put(LEAK_RECORDINGS, oldObjects ? new State(true, "") : new State(false, "event " + OLD_OBJECT + " is missing"));
        s.put(ALLOCATION_SAMPLES, !oldObjects ? new State(false, "leak recordings are off")
                : events.contains(ALLOCATION) ? new State(true, "") : new State(false, "event " + ALLOCATION + " is missing"));
        String missingGc = GC_EVENTS.stream().filter(e -> !events.contains(e)).findFirst().orElse(null);
        s.put(GC_SUMMARIES, !oldObjects ? new State(false, "leak recordings are off")
                : missingGc == null ? new State(true, "") : new State(false, "event " + missingGc + " is missing"));
        return new JfrFeatures(s);
    }

    /** Every feature off for {@code reason}. */
    public static JfrFeatures allOff(String reason) {
        Map<String, State> s = new LinkedHashMap<>();
        s.put(LEAK_RECORDINGS, new State(false, reason));
        s.put(ALLOCATION_SAMPLES, new State(false, reason));
        s.put(GC_SUMMARIES, new State(false, reason));
        return new JfrFeatures(s);
    }

    public Map<String, State> states() {
        return states;
    }

    public boolean on(String feature) {
        State s = states.get(feature);
        return s != null && s.on();
    }
}
