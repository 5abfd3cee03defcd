package io.leakwatch.analysis.golden;

import io.leakwatch.analysis.AnalysisContext;
import io.leakwatch.analysis.Series;
import io.leakwatch.analysis.Signal;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;

/**
 * Deterministic, labelled synthetic series for the golden tests: each case fixes its seed, so the same
 * build always sees the same data.
 */
final class SyntheticCases {

    static final long T0 = 1_700_000_000_000L;
    static final long MIN = 60_000L;
    static final long HOUR = 3_600_000L;
    static final double MB = 1024.0 * 1024.0;
    static final double GB = 1024.0 * MB;
    static final double HEAP_MAX = 4 * GB;

    /** What a case is, and what is true about it. */
    enum Label { LEAK, HEALTHY, INSUFFICIENT }

    /**
     * @param name        case id
     * @param label       ground truth
     * @param series      the series LeakWatch analyses
     * @param raw         raw heap used (sawtooth) for the alert baselines, or null
     * @param context     GC evidence, changes
     * @param truePerHour true leak rate in the signal's unit per hour (null if not a linear leak)
     * @param trueTteSeconds true time to exhaustion at the window end (null if none)
     */
    record Case(String name, Label label, Series series, Series raw, AnalysisContext context, Double truePerHour,
                Double trueTteSeconds) {
    }

    private SyntheticCases() {
    }

    static List<Case> all() {
        List<Case> cases = new ArrayList<>();
        // Linear leak hidden under a large sawtooth; only raw samples: the rule takes the lower envelope.
        {
            double rate = 50 * MB;
            DoubleUnaryOperator floor = h -> 1 * GB + rate * h;
            Series raw = sawtooth(Signal.HEAP, 6, floor, 1.8 * GB, 1, 8 * MB);
            cases.add(new Case("heap_sawtooth_leak", Label.LEAK, raw, raw, reclaimsEvery(20, 6), rate,
                    tte(HEAP_MAX, floor.applyAsDouble(6), rate)));
        }
        {
            double rate = 5 * MB;
            DoubleUnaryOperator floor = h -> 1.5 * GB + rate * h;
            cases.add(new Case("heap_slow_leak", Label.LEAK, perMinute(Signal.HEAP, 6, floor, 1 * MB, 2, HEAP_MAX),
                    sawtooth(Signal.HEAP, 6, floor, 1.2 * GB, 2, 8 * MB), reclaimsEvery(30, 6), rate,
                    tte(HEAP_MAX, floor.applyAsDouble(6), rate)));
            cases.add(new Case("heap_slow_leak_unconfirmed", Label.LEAK,
                    perMinute(Signal.HEAP, 6, floor, 1 * MB, 3, HEAP_MAX),
                    sawtooth(Signal.HEAP, 6, floor, 1.2 * GB, 3, 8 * MB), AnalysisContext.EMPTY, rate,
                    tte(HEAP_MAX, floor.applyAsDouble(6), rate)));
        }
        {
            DoubleUnaryOperator floor = h -> 800 * MB + 600 * MB * (1 - Math.exp(-h * 60 / 40.0));
            cases.add(healthy("heap_warmup_then_flat", perMinute(Signal.HEAP, 6, floor, 3 * MB, 4, HEAP_MAX),
                    sawtooth(Signal.HEAP, 6, floor, 1.5 * GB, 4, 8 * MB), reclaimsEvery(30, 6)));
        }
        {
            DoubleUnaryOperator floor = h -> 1 * GB + 200 * MB * Math.min(h, 3.0);
            cases.add(healthy("heap_pool_to_max_then_flat", perMinute(Signal.HEAP, 6, floor, 2 * MB, 5, HEAP_MAX),
                    sawtooth(Signal.HEAP, 6, floor, 1.5 * GB, 5, 8 * MB), reclaimsEvery(30, 6)));
        }
        {
            // Accumulates 300 MB over 50 min, releases it within 10 min, every hour.
            DoubleUnaryOperator floor = h -> {
                double phase = (h % 1.0) * 60;
                double built = phase < 50 ? phase / 50 : 1 - (phase - 50) / 10;
                return 1 * GB + 300 * MB * built;
            };
            cases.add(healthy("heap_batch_cycles", perMinute(Signal.HEAP, 6, floor, 2 * MB, 6, HEAP_MAX),
                    sawtooth(Signal.HEAP, 6, floor, 1.6 * GB, 6, 8 * MB), reclaimsEvery(20, 6)));
        }
        {
            DoubleUnaryOperator floor = h -> 1.4 * GB + 400 * MB * Math.sin(2 * Math.PI * (h - 2) / 24);
            cases.add(healthy("heap_diurnal", every(Signal.HEAP, 24, 5 * MIN, floor, 4 * MB, 7, HEAP_MAX),
                    sawtooth(Signal.HEAP, 24, floor, 1.6 * GB, 7, 8 * MB), reclaimsEvery(30, 24)));
        }
        {
            DoubleUnaryOperator floor = h -> h < 3 ? 1 * GB : 1.3 * GB;
            cases.add(new Case("heap_step_at_deploy", Label.HEALTHY, perMinute(Signal.HEAP, 6, floor, 2 * MB, 8, HEAP_MAX),
                    sawtooth(Signal.HEAP, 6, floor, 1.5 * GB, 8, 8 * MB),
                    reclaimsEvery(30, 6).withChanges(List.of(T0 + 3 * HOUR)), null, null));
            cases.add(healthy("heap_step_no_context", perMinute(Signal.HEAP, 6, floor, 2 * MB, 9, HEAP_MAX),
                    sawtooth(Signal.HEAP, 6, floor, 1.5 * GB, 9, 8 * MB), reclaimsEvery(30, 6)));
        }
        {
            double rate = 40 * MB;
            DoubleUnaryOperator floor = h -> h < 2.5 ? 1 * GB : 1 * GB + rate * (h - 2.5);
            cases.add(new Case("heap_leak_after_deploy", Label.LEAK, perMinute(Signal.HEAP, 6, floor, 2 * MB, 10, HEAP_MAX),
                    sawtooth(Signal.HEAP, 6, floor, 1.5 * GB, 10, 8 * MB),
                    reclaimsEvery(20, 6).withChanges(List.of(T0 + (long) (2.5 * HOUR))), rate,
                    tte(HEAP_MAX, floor.applyAsDouble(6), rate)));
        }
        {
            // One more thread every 10 minutes, with the odd transient extra thread.
            SplittableRandom r = new SplittableRandom(11);
            DoubleUnaryOperator threads = h -> 60 + Math.floor(h * 6) + (r.nextDouble() < 0.1 ? 1 : 0);
            cases.add(new Case("threads_leak", Label.LEAK, perMinute(Signal.THREADS, 6, threads, 0, 11, null), null,
                    AnalysisContext.EMPTY, 6.0, null));
        }
        {
            double rate = 2 * MB;
            double max = 256 * MB;
            DoubleUnaryOperator meta = h -> 80 * MB + rate * h;
            cases.add(new Case("metaspace_growth", Label.LEAK, perMinute(Signal.METASPACE, 6, meta, 50 * 1024, 12, max),
                    null, AnalysisContext.EMPTY, rate, tte(max, meta.applyAsDouble(6), rate)));
        }
        {
            SplittableRandom r = new SplittableRandom(13);
            DoubleUnaryOperator classes = h -> Math.floor(12_000 + 300 * h + r.nextInt(5));
            cases.add(new Case("classes_growth", Label.LEAK, perMinute(Signal.CLASSES, 6, classes, 0, 13, null), null,
                    AnalysisContext.EMPTY, 300.0, null));
        }
        {
            DoubleUnaryOperator flat = h -> 1.5 * GB;
            cases.add(healthy("heap_noisy_flat", perMinute(Signal.HEAP, 6, flat, 20 * MB, 14, HEAP_MAX),
                    sawtooth(Signal.HEAP, 6, flat, 2.0 * GB, 14, 8 * MB), reclaimsEvery(30, 6)));
        }
        {
            // Integer-valued and mostly tied: exercises the Mann–Kendall tie correction.
            SplittableRandom r = new SplittableRandom(15);
            DoubleUnaryOperator fds = h -> 200 + r.nextInt(3);
            cases.add(healthy("fds_noisy_flat", perMinute(Signal.FDS, 6, fds, 0, 15, 65_536.0), null,
                    AnalysisContext.EMPTY));
        }
        {
            DoubleUnaryOperator big = h -> 1 * GB;
            // A healthy heap whose sawtooth peaks near 90% of max.
            cases.add(healthy("heap_big_sawtooth_flat", perMinute(Signal.HEAP, 6, big, 3 * MB, 16, HEAP_MAX),
                    sawtooth(Signal.HEAP, 6, big, 2.6 * GB, 16, 8 * MB), reclaimsEvery(30, 6)));
        }
        {
            long[] ts = new long[10];
            double[] vs = new double[10];
            for (int i = 0; i < 10; i++) {
                ts[i] = T0 + i * MIN;
                vs[i] = 1 * GB + i * MB;
            }
            cases.add(new Case("heap_too_few_points", Label.INSUFFICIENT,
                    Series.of(Signal.HEAP, ts, vs).withLimit(HEAP_MAX), null, AnalysisContext.EMPTY, null, null));
        }
        return cases;
    }

    private static Case healthy(String name, Series series, Series raw, AnalysisContext ctx) {
        return new Case(name, Label.HEALTHY, series, raw, ctx, null, null);
    }

    private static Double tte(double limit, double valueAtEnd, double perHour) {
        return (limit - valueAtEnd) / perHour * 3600.0;
    }

    private static AnalysisContext reclaimsEvery(int minutes, int hours) {
        List<Long> times = new ArrayList<>();
        for (long t = T0 + minutes * MIN; t <= T0 + hours * HOUR; t += minutes * MIN) {
            times.add(t);
        }
        return AnalysisContext.EMPTY.withReclaimingCollections(times);
    }

    private static Series perMinute(Signal signal, int hours, DoubleUnaryOperator f, double noise, long seed, Double limit) {
        return every(signal, hours, MIN, f, noise, seed, limit);
    }

    private static Series every(Signal signal, int hours, long stepMs, DoubleUnaryOperator f, double noise, long seed,
                                Double limit) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = (int) (hours * HOUR / stepMs) + 1;
        long[] ts = new long[n];
        double[] vs = new double[n];
        for (int i = 0; i < n; i++) {
            ts[i] = T0 + i * stepMs;
            vs[i] = f.applyAsDouble((double) (i * stepMs) / HOUR) + noise * gaussian(r);
        }
        return Series.of(null, signal, ts, vs, limit, null, Series.Kind.FLOOR);
    }

    /** Raw heap used every 10 s: floor plus young-generation fill that a GC empties every 125 s. */
    private static Series sawtooth(Signal signal, int hours, DoubleUnaryOperator floor, double amplitude, long seed,
                                   double noise) {
        SplittableRandom r = new SplittableRandom(seed * 31 + 7);
        long step = 10_000L;
        long period = 125_000L;
        int n = (int) (hours * HOUR / step) + 1;
        long[] ts = new long[n];
        double[] vs = new double[n];
        for (int i = 0; i < n; i++) {
            long t = i * step;
            double phase = (double) (t % period) / period;
            ts[i] = T0 + t;
            vs[i] = Math.min(HEAP_MAX, floor.applyAsDouble((double) t / HOUR) + amplitude * phase + noise * Math.abs(gaussian(r)));
        }
        return Series.of(null, signal, ts, vs, HEAP_MAX, null, Series.Kind.RAW);
    }

    private static double gaussian(SplittableRandom r) {
        // Box–Muller: deterministic across JDKs, unlike Random.nextGaussian's implementation history.
        double u1 = Math.max(r.nextDouble(), 1e-12);
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
