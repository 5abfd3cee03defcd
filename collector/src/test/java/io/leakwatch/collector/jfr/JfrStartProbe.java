package io.leakwatch.collector.jfr;

import java.util.TreeSet;

/**
 * Run in a child JVM by {@link JfrFeaturesTest}: calls {@link JfrFeatures#available} (arg {@code available}) or
 * {@link JfrFeatures#probe} (arg {@code probe}), then prints the names of the JVM's live threads, one a line.
 */
public final class JfrStartProbe {
    private JfrStartProbe() {
    }

    public static void main(String[] args) {
        JfrFeatures features = args[0].equals("probe") ? JfrFeatures.probe(true) : JfrFeatures.available(true);
        System.out.println("FEATURES " + features.states() + " confirmed=" + features.confirmed());
        new TreeSet<>(Thread.getAllStackTraces().keySet().stream().map(Thread::getName).toList())
                .forEach(name -> System.out.println("THREAD " + name));
    }
}
