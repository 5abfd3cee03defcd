package io.leakwatch.collector.jfr;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which JFR features this JVM can give: the leak recordings need JFR itself ({@code jdk.jfr} module present,
 * {@code FlightRecorder.isAvailable()}) and the {@code jdk.OldObjectSample} event; allocation sites need
 * {@code jdk.ObjectAllocationSample} (JDK 16+); GC summaries need {@code jdk.GarbageCollection} and
 * {@code jdk.GCHeapSummary}. A feature that is off carries the reason, exported as the
 * {@code leakwatch.collector.feature} gauge. Never throws.
 *
 * <p>Two steps, so that JFR is not started before it is needed: {@link #available(boolean)}, at the collector's
 * start, asks only whether JFR is there (which does not start it) and, if so, expects every event a JDK 17+
 * JFR has ({@link #confirmed()} false); {@link #probe(boolean)}, at the first leak recording, which starts JFR
 * anyway, reads the event types JFR actually has.
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
    private final boolean confirmed;

    private JfrFeatures(Map<String, State> states, boolean confirmed) {
        this.states = Collections.unmodifiableMap(states);
        this.confirmed = confirmed;
    }

    /**
     * Whether JFR is there, without starting it: every feature off with the reason when it is not (or
     * {@code enabled=false}), else every feature on as expected, to be {@linkplain #probe confirmed} at the first
     * recording. Initialising JFR (its recorder, threads and event metadata) is left to that recording.
     */
    public static JfrFeatures available(boolean enabled) {
        if (!enabled) {
            return allOff("disabled by configuration (jfr.enabled=false)");
        }
        try {
            if (!jdk.jfr.FlightRecorder.isAvailable()) {
                return allOff("JFR is not available in this JVM");
            }
        } catch (Throwable e) {
            // NoClassDefFoundError without the jdk.jfr module
            return allOff("JFR is not available: " + e.getClass().getSimpleName());
        }
        Set<String> expected = new HashSet<>(GC_EVENTS);
        expected.add(OLD_OBJECT);
        expected.add(ALLOCATION);
        return of(expected, false);
    }

    /**
     * Probes this JVM's event types, which starts JFR. {@code enabled=false} reports every feature off by
     * configuration, without touching JFR.
     */
    public static JfrFeatures probe(boolean enabled) {
        JfrFeatures available = available(enabled);
        if (!available.on(LEAK_RECORDINGS)) {
            return available;
        }
        Set<String> events = new HashSet<>();
        try {
            for (jdk.jfr.EventType type : jdk.jfr.FlightRecorder.getFlightRecorder().getEventTypes()) {
                events.add(type.getName());
            }
        } catch (Throwable e) {
            // IllegalStateException when JFR cannot start, SecurityException
            return allOff("JFR is not available: " + e.getClass().getSimpleName());
        }
        return of(events);
    }

    /** The features given the event types a JVM has; for tests. */
    static JfrFeatures of(Set<String> events) {
        return of(events, true);
    }

    private static JfrFeatures of(Set<String> events, boolean confirmed) {
        Map<String, State> s = new LinkedHashMap<>();
        boolean oldObjects = events.contains(OLD_OBJECT);
        s.put(LEAK_RECORDINGS, oldObjects ? new State(true, "") : new State(false, "event " + OLD_OBJECT + " is missing"));
        s.put(ALLOCATION_SAMPLES, !oldObjects ? new State(false, "leak recordings are off")
                : events.contains(ALLOCATION) ? new State(true, "") : new State(false, "event " + ALLOCATION + " is missing"));
        String missingGc = GC_EVENTS.stream().filter(e -> !events.contains(e)).findFirst().orElse(null);
        s.put(GC_SUMMARIES, !oldObjects ? new State(false, "leak recordings are off")
                : missingGc == null ? new State(true, "") : new State(false, "event " + missingGc + " is missing"));
        return new JfrFeatures(s, confirmed);
    }

    /** Every feature off for {@code reason}. */
    public static JfrFeatures allOff(String reason) {
        Map<String, State> s = new LinkedHashMap<>();
        s.put(LEAK_RECORDINGS, new State(false, reason));
        s.put(ALLOCATION_SAMPLES, new State(false, reason));
        s.put(GC_SUMMARIES, new State(false, reason));
        return new JfrFeatures(s, true);
    }

    public Map<String, State> states() {
        return states;
    }

    /** False while the events are only expected (JFR not yet started), true once read or when all is off. */
    public boolean confirmed() {
        return confirmed;
    }

    public boolean on(String feature) {
        State s = states.get(feature);
        return s != null && s.on();
    }
}
