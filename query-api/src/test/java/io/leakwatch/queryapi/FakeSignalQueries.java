package io.leakwatch.queryapi;

import io.leakwatch.store.InstanceSignals;
import io.leakwatch.store.ReducedSeries;
import io.leakwatch.store.ReducedSignal;
import io.leakwatch.store.ServiceInfo;
import io.leakwatch.store.SignalQueries;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleUnaryOperator;

/** In-memory {@link SignalQueries} for the analysis endpoints' tests: canned instances, counted calls. */
final class FakeSignalQueries implements SignalQueries {
    static final double MB = 1024.0 * 1024.0;

    volatile List<InstanceSignals> instances = List.of();
    volatile List<ServiceInfo> services = List.of();
    final AtomicInteger signalCalls = new AtomicInteger();

    @Override
    public List<ServiceInfo> services(long fromMillis, long toMillis) {
        return services;
    }

    @Override
    public List<ServiceInfo> services(long fromMillis, long toMillis, String environment) {
        return services.stream().filter(s -> environment == null || s.environments().contains(environment)).toList();
    }

    @Override
    public List<InstanceSignals> signals(String service, String instance, long fromMillis, long toMillis,
                                         long stepMillis, int limit) {
        signalCalls.incrementAndGet();
        return instances.stream()
                .filter(i -> service == null || i.service().equals(service))
                .filter(i -> instance == null || i.instance().equals(instance))
                .limit(limit)
                .toList();
    }

    @Override
    public List<InstanceSignals> signals(List<String> ids, long fromMillis, long toMillis, long stepMillis) {
        signalCalls.incrementAndGet();
        return instances.stream().filter(i -> ids.contains(i.instance()))
                .sorted(java.util.Comparator.comparing(InstanceSignals::instance)).toList();
    }

    /** Screens nobody out (every instance infinitely growing), without counting as a signals call. */
    @Override
    public List<Screened> screen(String service, String environment, long fromMillis, long toMillis) {
        return instances.stream()
                .filter(i -> service == null || i.service().equals(service))
                .filter(i -> environment == null || i.environment().equals(environment))
                .sorted(java.util.Comparator.comparing(InstanceSignals::instance))
                .map(i -> new Screened(i.instance(), i.service(), i.version(), i.environment(), i.firstSeenMs(),
                        Double.POSITIVE_INFINITY, i.series().keySet()))
                .toList();
    }

    /** Builds one instance: per-minute points over [start, end) of flat signals, with overrides. */
    static final class Builder {
        private final String service;
        private final String version;
        private final String instance;
        private final long start;
        private final long end;
        private final Map<ReducedSignal, ReducedSeries> series = new EnumMap<>(ReducedSignal.class);
        private final List<Long> reclaims = new ArrayList<>();
        private String environment = "prod";

        Builder(String service, String version, String instance, long start, long end) {
            this.service = service;
            this.version = version;
            this.instance = instance;
            this.start = start;
            this.end = end;
            with(ReducedSignal.HEAP_USED_FLOOR, h -> 300 * MB + (Math.round(h * 60) % 5) * 4 * MB, 1024 * MB);
            with(ReducedSignal.METASPACE, h -> 60 * MB, 256 * MB);
            with(ReducedSignal.CLASSES, h -> 9000, null);
            with(ReducedSignal.THREADS, h -> 40, null);
            with(ReducedSignal.FDS, h -> 100, 65536.0);
        }

        /** A signal whose value at {@code h} hours after start is given; limit may be null. */
        Builder with(ReducedSignal signal, DoubleUnaryOperator valueAtHour, Double limit) {
            int n = (int) ((end - start) / 60_000);
            long[] t = new long[n];
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                t[i] = start + i * 60_000L;
                v[i] = valueAtHour.applyAsDouble(i / 60.0);
            }
            series.put(signal, new ReducedSeries(signal, t, v, limit));
            return this;
        }

        /** The old pool's after-GC value rising at {@code perHour}, updated (a reclaiming collection) every 10 minutes. */
        Builder heapLeak(double perHour) {
            with(ReducedSignal.HEAP_AFTER_GC, h -> 200 * MB + perHour * Math.floor(h * 6) / 6, 1024 * MB);
            for (long t = start; t < end; t += 600_000) {
                reclaims.add(t);
            }
            return this;
        }

        Builder environment(String environment) {
            this.environment = environment;
            return this;
        }

        InstanceSignals build() {
            return new InstanceSignals(instance, service, version, start, end, series, 1024 * MB, reclaims, List.of(),
                    environment);
        }
    }
}
