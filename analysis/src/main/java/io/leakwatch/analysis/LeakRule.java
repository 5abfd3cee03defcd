package io.leakwatch.analysis;

import io.leakwatch.analysis.stats.Drawdown;
import io.leakwatch.analysis.stats.LowerEnvelope;
import io.leakwatch.analysis.stats.MannKendall;
import io.leakwatch.analysis.stats.SegmentedFit;
import io.leakwatch.analysis.stats.TheilSen;
import java.util.Arrays;
import java.util.Objects;

/**
 * The leak rule for one {@link Signal}: a stateless function from a {@link Series} and its
 * {@link AnalysisContext} to a {@link SignalResult}. Never throws for data it cannot judge; "too little
 * data" is the {@link Verdict#INSUFFICIENT_DATA} result.
 *
 * <h2>Method</h2>
 * <ol>
 *   <li>Floor: with {@code zeroIsMissing}, zero values (not measured yet) are dropped. A
 *       {@link Series.Kind#RAW} series is reduced to its lower envelope ({@link LeakThresholds#envelopeBucket()});
 *       a floor series too when {@link LeakThresholds#floorEnvelopeBucket()} is set, else it is used as is.</li>
 *   <li>Warm-up: points before {@code processStart + warmupAfterStart} are dropped when the process start
 *       is known, else the first {@code warmupFraction} of the window. Long series are reduced to
 *       {@code maxPoints} bucket medians.</li>
 *   <li>Enough data: at least {@code minPoints} points spanning {@code minWindow}, else insufficient.</li>
 *   <li>Change: with a deploy/version change inside the window, only the part after it is judged (a step at
 *       a deploy is not growth); if that part is too short, the answer is insufficient data.</li>
 *   <li>Trend: Theil–Sen slope (unit/h) and one-sided Mann–Kendall p-value. Not significant → ok; slope
 *       below {@code minSlopePerHour} (or below {@code minRelativeSlopePerHour × limit}) → ok.</li>
 *   <li>Release: if the smoothed floor falls from an earlier high by at least {@code releaseFraction} of
 *       the fitted rise, the memory comes back (batch work, load) → ok.</li>
 *   <li>Plateau: if the last third's slope, or the slope after the best two-segment split, is below
 *       {@code plateauTolerance} of the overall slope, growth has stopped → ok.</li>
 *   <li>Since: the change time when the floor was flat before it; else the split of a two-segment fit when
 *       the floor was flat before it (the slope is then re-fitted on the growth part); else the first
 *       point used.</li>
 *   <li>Confirmation: when {@code requireReclaimEvidence} (heap), fewer than {@code minReclaimEvents}
 *       old-gen-reclaiming collections between {@code since} and the end → growing, unconfirmed.</li>
 * </ol>
 *
 * <h2>Confidence (0–100)</h2>
 * For growth: {@code 100 × (0.4·S + 0.3·T + 0.3·D)} with S = min(1, −log10(p)/6) (significance; p = 1e-6
 * gives 1), T = max(0, Kendall's tau) (how monotone the floor is: fit quality) and D = min(1, growth
 * duration / fullConfidenceWindow). An unconfirmed heap growth is capped at 60. A growth below
 * {@code leakMinConfidence} is reported as growing. For ok: {@code 100 × (0.5·A + 0.5·D)} where A says
 * how clearly the reason holds (1 − S for no trend, 1 − slope/threshold for a small slope, the tail's
 * flatness for a plateau, drop/rise for a release). Insufficient data has confidence 0.
 *
 * <p>Time to exhaustion: for leak/growing with a positive slope and a limit (the series', else the
 * signal's inherent one), {@code (limit − fitted value at the window end) / slope}, at least 0.
 */
public final class LeakRule {

    private static final double HOUR_MS = 3_600_000.0;
    private static final int UNCONFIRMED_CONFIDENCE_CAP = 60;
    private static final double MIN_SPLIT_IMPROVEMENT = 0.5;

    private final Signal signal;
    private final LeakThresholds thresholds;

    /** A rule for a signal with the given thresholds. */
    public LeakRule(Signal signal, LeakThresholds thresholds) {
        this.signal = Objects.requireNonNull(signal, "signal");
        this.thresholds = Objects.requireNonNull(thresholds, "thresholds");
    }

    /** A rule for a signal with its default thresholds. */
    public static LeakRule forSignal(Signal signal) {
        return new LeakRule(signal, signal.defaultThresholds());
    }

    public Signal signal() {
        return signal;
    }

    public LeakThresholds thresholds() {
        return thresholds;
    }

    /**
     * Judges one series.
     *
     * @throws IllegalArgumentException if the series is of another signal (a wiring error, not data)
     */
    public SignalResult evaluate(Series series, AnalysisContext context) {
        if (series.signal() != signal) {
            throw new IllegalArgumentException("rule for " + signal.id() + " given a " + series.signal().id() + " series");
        }
        AnalysisContext ctx = context == null ? AnalysisContext.EMPTY : context;
        LeakThresholds t = thresholds;
        long[] ts = series.timestampsMs();
        double[] vs = series.values();
        if (ts.length == 0) {
            return result(series, Verdict.INSUFFICIENT_DATA, Double.NaN, 0, null, 0, 0, null,
                    Reason.of(Reason.NO_DATA), Evidence.NONE);
        }
        long windowStart = ts[0];
        long windowEnd = ts[ts.length - 1];
        if (t.zeroIsMissing()) {
            int kept = 0;
            for (int i = 0; i < ts.length; i++) {
                if (vs[i] != 0) {
                    ts[kept] = ts[i];
                    vs[kept++] = vs[i];
                }
            }
            ts = Arrays.copyOf(ts, kept);
            vs = Arrays.copyOf(vs, kept);
        }
        long bucket = series.kind() == Series.Kind.RAW ? t.envelopeBucket().toMillis() : t.floorEnvelopeBucket().toMillis();
        if (bucket > 0) {
            LowerEnvelope.Points env = LowerEnvelope.of(ts, vs, bucket);
            ts = env.timestampsMs();
            vs = env.values();
        }
        long cut = ctx.processStartMs() != null
                ? ctx.processStartMs() + t.warmupAfterStart().toMillis()
                : windowStart + (long) (t.warmupFraction() * (windowEnd - windowStart));
        int first = 0;
        while (first < ts.length && ts[first] < cut) {
            first++;
        }
        ts = Arrays.copyOfRange(ts, first, ts.length);
        vs = Arrays.copyOfRange(vs, first, vs.length);
        if (ts.length > t.maxPoints()) {
            long[][] tsOut = new long[1][];
            vs = reduce(ts, vs, t.maxPoints(), tsOut);
            ts = tsOut[0];
        }
        int m = ts.length;
        Evidence pointsOnly = new Evidence(ts, vs, null, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
        if (m < t.minPoints()) {
            return result(series, Verdict.INSUFFICIENT_DATA, Double.NaN, 0, null, windowStart, windowEnd, null,
                    Reason.of(Reason.TOO_FEW_POINTS, "points", m, "needed", t.minPoints()), pointsOnly);
        }
        if (ts[m - 1] - ts[0] < t.minWindow().toMillis()) {
            return result(series, Verdict.INSUFFICIENT_DATA, Double.NaN, 0, null, windowStart, windowEnd, null,
                    Reason.of(Reason.WINDOW_TOO_SHORT, "hours", (ts[m - 1] - ts[0]) / HOUR_MS,
                            "neededHours", t.minWindow().toMillis() / HOUR_MS), pointsOnly);
        }
        double[] x = new double[m];
        for (int i = 0; i < m; i++) {
            x[i] = (ts[i] - ts[0]) / HOUR_MS;
        }
        Double limit = series.effectiveLimit();

        // A change inside the window: judge only what came after it.
        int from = 0;
        Long change = ctx.latestChangeBetween(ts[0], ts[m - 1]);
        boolean grewBeforeChange = false;
        if (change != null) {
            int idx = 0;
            while (idx < m && ts[idx] < change) {
                idx++;
            }
            if (m - idx < t.minPoints() || ts[m - 1] - ts[idx] < t.minWindow().toMillis()) {
                return result(series, Verdict.INSUFFICIENT_DATA, Double.NaN, 0, null, windowStart, windowEnd, null,
                        Reason.of(Reason.RECENT_CHANGE, "changeMs", change), pointsOnly);
            }
            if (idx >= t.minPoints()) {
                Trend before = trend(x, vs, 0, idx);
                grewBeforeChange = before.significant(t) && before.material(t, limit);
            }
            from = idx;
        }

        Trend regime = trend(x, vs, from, m);
        double regimeHours = x[m - 1] - x[from];
        double dur = Math.min(1.0, regimeHours / (t.fullConfidenceWindow().toMillis() / HOUR_MS));
        if (!regime.significant(t)) {
            double sig = significance(regime.mk.pIncreasing());
            int conf = okConfidence(1 - sig, dur);
            Reason reason = change != null
                    ? Reason.of(Reason.STEP_AT_CHANGE, "changeMs", change)
                    : Reason.of(Reason.NO_TREND, "p", regime.mk.pIncreasing());
            return result(series, Verdict.OK, regime.fit.slope(), conf, null, windowStart, windowEnd, null, reason,
                    evidence(ts, vs, x, from, m, regime, 0));
        }
        double threshold = materialThreshold(t, limit);
        if (!regime.material(t, limit)) {
            int conf = okConfidence(1 - regime.fit.slope() / threshold, dur);
            return result(series, Verdict.OK, regime.fit.slope(), conf, null, windowStart, windowEnd, null,
                    Reason.of(Reason.SLOPE_BELOW_THRESHOLD, "slopePerHour", regime.fit.slope(), "unit",
                            series.unit(), "thresholdPerHour", threshold), evidence(ts, vs, x, from, m, regime, 0));
        }

        // Release: the smoothed floor gives back a good part of what it gained.
        double rise = regime.fit.slope() * regimeHours;
        double drop = Drawdown.max(rollingMedian(vs, from, m), 0, m - from);
        if (drop >= t.releaseFraction() * rise) {
            int conf = okConfidence(Math.min(1, drop / rise), dur);
            return result(series, Verdict.OK, regime.fit.slope(), conf, null, windowStart, windowEnd, null,
                    Reason.of(Reason.RELEASED, "rise", rise, "drop", drop, "unit", series.unit()),
                    evidence(ts, vs, x, from, m, regime, 0));
        }

        // Plateau: the latest part no longer grows.
        int minSegment = Math.max(t.minPoints() / 2, (m - from) / 7);
        SegmentedFit.Split split = SegmentedFit.best(Arrays.copyOfRange(x, from, m),
                Arrays.copyOfRange(vs, from, m), minSegment);
        double tailStartX = x[m - 1] - regimeHours / 3;
        int tail = from;
        while (tail < m && x[tail] < tailStartX) {
            tail++;
        }
        double tailSlope = m - tail >= 3 ? TheilSen.fit(Arrays.copyOfRange(x, tail, m),
                Arrays.copyOfRange(vs, tail, m), t.maxPairs()).slope() : regime.fit.slope();
        boolean flatTail = tailSlope <= t.plateauTolerance() * regime.fit.slope();
        boolean flatAfterSplit = split != null && split.improvement() >= MIN_SPLIT_IMPROVEMENT
                && split.slopeBefore() > 0 && split.slopeAfter() <= t.plateauTolerance() * split.slopeBefore();
        if (flatTail || flatAfterSplit) {
            int plateauStart = flatAfterSplit ? from + split.index() : tail;
            double[] after = Arrays.copyOfRange(vs, plateauStart, m);
            Arrays.sort(after);
            double level = after[after.length / 2];
            double flatness = 1 - Math.max(0, tailSlope) / regime.fit.slope();
            int conf = okConfidence(flatness, dur);
            return result(series, Verdict.OK, Math.max(0, tailSlope), conf, null, windowStart, windowEnd,
                    ts[plateauStart], Reason.of(Reason.PLATEAU, "level", level, "unit", series.unit(),
                            "sinceMs", ts[plateauStart]), evidence(ts, vs, x, from, m, regime, 0));
        }

        // Growth: since when?
        int growthFrom = from;
        boolean sinceChange = change != null && !grewBeforeChange;
        if (!sinceChange && split != null && split.improvement() >= MIN_SPLIT_IMPROVEMENT
                && split.slopeBefore() <= t.plateauTolerance() * split.slopeAfter()
                && m - (from + split.index()) >= t.minPoints()) {
            growthFrom = from + split.index();
        }
        Trend growth = growthFrom == from ? regime : trend(x, vs, growthFrom, m);
        // A leak that started at a deploy is dated at the deploy itself: an enveloped series' first point after
        // it may lie up to a bucket later.
        long since = sinceChange && growthFrom == from ? change : ts[growthFrom];
        double growthHours = x[m - 1] - x[growthFrom];
        double slope = growth.fit.slope();
        double sig = significance(growth.mk.pIncreasing());
        double growthDur = Math.min(1.0, growthHours / (t.fullConfidenceWindow().toMillis() / HOUR_MS));
        int conf = (int) Math.round(100 * (0.4 * sig + 0.3 * Math.max(0, growth.mk.tau()) + 0.3 * growthDur));
        int reclaims = ctx.reclaimingCollectionsBetween(since, ts[m - 1]);
        Long tte = null;
        if (limit != null && slope > 0) {
            double current = growth.fit.valueAt(x[m - 1]);
            tte = (long) Math.max(0, (limit - current) / slope * 3600.0);
        }
        Evidence ev = evidence(ts, vs, x, growthFrom, m, growth, reclaims);
        if (t.requireReclaimEvidence() && reclaims < t.minReclaimEvents()) {
            return result(series, Verdict.GROWING, slope, Math.min(conf, UNCONFIRMED_CONFIDENCE_CAP), tte,
                    windowStart, windowEnd, since, Reason.of(Reason.GROWING_UNCONFIRMED, "slopePerHour", slope,
                            "unit", series.unit(), "sinceMs", since, "seen", reclaims, "needed", t.minReclaimEvents()),
                    ev);
        }
        if (conf < t.leakMinConfidence()) {
            return result(series, Verdict.GROWING, slope, conf, tte, windowStart, windowEnd, since,
                    Reason.of(Reason.GROWING_WEAK, "slopePerHour", slope, "unit", series.unit(), "sinceMs", since,
                            "confidence", conf), ev);
        }
        return result(series, Verdict.LEAK, slope, conf, tte, windowStart, windowEnd, since,
                Reason.of(sinceChange ? Reason.LEAK_SINCE_CHANGE : Reason.LEAK, "slopePerHour", slope, "unit",
                        series.unit(), "sinceMs", since), ev);
    }

    /** Trend statistics over [from, to). */
    private record Trend(TheilSen.Fit fit, MannKendall.Result mk) {

        boolean significant(LeakThresholds t) {
            return fit.slope() > 0 && mk.pIncreasing() < t.maxPValue();
        }

        boolean material(LeakThresholds t, Double limit) {
            return fit.slope() >= materialThreshold(t, limit);
        }
    }

    private Trend trend(double[] x, double[] y, int from, int to) {
        double[] xs = Arrays.copyOfRange(x, from, to);
        double[] ys = Arrays.copyOfRange(y, from, to);
        return new Trend(TheilSen.fit(xs, ys, thresholds.maxPairs()), MannKendall.test(ys));
    }

    private static double materialThreshold(LeakThresholds t, Double limit) {
        double relative = limit == null ? 0 : t.minRelativeSlopePerHour() * limit;
        return Math.max(Math.max(t.minSlopePerHour(), relative), Double.MIN_NORMAL);
    }

    private static double significance(double p) {
        return Math.min(1.0, -Math.log10(Math.max(p, 1e-300)) / 6.0);
    }

    private static int okConfidence(double clarity, double duration) {
        double a = Math.max(0, Math.min(1, clarity));
        return (int) Math.round(100 * (0.5 * a + 0.5 * duration));
    }

    private static Evidence evidence(long[] ts, double[] vs, double[] x, int from, int to, Trend trend, int reclaims) {
        TheilSen.Fit fit = trend.fit;
        FittedLine line = new FittedLine(ts[from], fit.valueAt(x[from]), ts[to - 1], fit.valueAt(x[to - 1]),
                fit.slope(), fit.valueAt(x[from]));
        return new Evidence(ts, vs, line, fit.slopeLow(), fit.slopeHigh(), trend.mk.pIncreasing(), trend.mk.tau(),
                reclaims);
    }

    /**
     * Rolling median over [from, to) with a window of about 1/30 of the points (at least 5), so a noisy
     * leak's dips do not look like a release while a batch job's drop stays.
     */
    private static double[] rollingMedian(double[] v, int from, int to) {
        int n = to - from;
        int half = Math.max(2, n / 60);
        double[] out = new double[n];
        double[] window = new double[2 * half + 1];
        for (int i = 0; i < n; i++) {
            int lo = Math.max(0, i - half);
            int hi = Math.min(n - 1, i + half);
            int len = hi - lo + 1;
            System.arraycopy(v, from + lo, window, 0, len);
            Arrays.sort(window, 0, len);
            out[i] = window[len / 2];
        }
        return out;
    }

    /** Reduces to {@code target} buckets of consecutive points: each bucket's middle time and median value. */
    private static double[] reduce(long[] ts, double[] vs, int target, long[][] tsOut) {
        int k = (ts.length + target - 1) / target;
        int buckets = (ts.length + k - 1) / k;
        long[] rts = new long[buckets];
        double[] rvs = new double[buckets];
        for (int b = 0; b < buckets; b++) {
            int lo = b * k;
            int hi = Math.min(ts.length, lo + k);
            double[] chunk = Arrays.copyOfRange(vs, lo, hi);
            Arrays.sort(chunk);
            rvs[b] = chunk[chunk.length / 2];
            rts[b] = ts[(lo + hi - 1) / 2];
        }
        tsOut[0] = rts;
        return rvs;
    }

    private SignalResult result(Series s, Verdict verdict, double slope, int confidence, Long tte, long start,
                                long end, Long since, Reason reason, Evidence evidence) {
        return new SignalResult(signal, s.name(), verdict, slope, s.unit(), Math.max(0, Math.min(100, confidence)),
                tte, start, end, since, reason, evidence);
    }
}
