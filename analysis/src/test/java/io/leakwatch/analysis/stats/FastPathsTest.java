package io.leakwatch.analysis.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fast statistics against their textbook definitions on random data with many ties: Theil–Sen's selected
 * order statistics against a full sort of the pairwise slopes, Mann–Kendall's merge-sort S against the count of
 * every pair. Equality is exact (records compare doubles bit for bit), not within a tolerance.
 */
class FastPathsTest {

    private static final long SEED = 0x5EED_6L;

    @Test
    void orderStatisticsEqualASortOnAnyInput() {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int round = 0; round < 2_000; round++) {
            // past 8,192 keys the ranks are bracketed by a sample first: close ranks (a median and its bounds)
            // usually fit the bracket, scattered ones do not and take the plain selection
            int n = 1 + random.nextInt(round % 10 == 0 ? 60_000 : 300);
            double[] values = values(random, n, round % 7);
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            int[] ranks = new int[1 + random.nextInt(5)];
            int centre = random.nextInt(n);
            for (int i = 0; i < ranks.length; i++) {
                ranks[i] = round % 20 == 0 ? random.nextInt(n)
                        : Math.max(0, Math.min(n - 1, centre + random.nextInt(n / 20 + 1) - n / 40));
            }
            long[] keys = new long[n + 3]; // room past count must be left alone
            for (int i = 0; i < n; i++) {
                keys[i] = OrderStatistics.key(values[i]);
            }
            double[] got = OrderStatistics.select(keys, n, ranks);
            for (int i = 0; i < ranks.length; i++) {
                assertThat(Double.doubleToLongBits(got[i])).as("round %d rank %d of %d", round, ranks[i], n)
                        .isEqualTo(Double.doubleToLongBits(sorted[ranks[i]]));
            }
        }
    }

    @Test
    void theilSenEqualsTheSortedPairwiseSlopes() {
        SplittableRandom random = new SplittableRandom(SEED + 1);
        for (int round = 0; round < 600; round++) {
            int n = 2 + random.nextInt(round % 5 == 0 ? 700 : 120);
            double[] x = new double[n];
            double[] y = values(random, n, round % 7);
            for (int i = 0; i < n; i++) {
                // ascending hours with repeats now and then (equal x contribute no slope); every fourth round
                // in runs of ten equal x, more pairs without a slope than the remembered sample draws cover
                x[i] = round % 4 == 1 ? i / 10 : i == 0 ? 0
                        : x[i - 1] + (random.nextInt(8) == 0 ? 0 : 1 / 60.0 * (1 + random.nextInt(3)));
                y[i] = Double.isFinite(y[i]) ? y[i] : i;
            }
            if (x[n - 1] == x[0]) {
                x[n - 1] = x[0] + 1;
            }
            int maxPairs = round % 3 == 0 ? 100 + random.nextInt(2_000) : TheilSen.MAX_PAIRS;
            assertThat(TheilSen.fit(x, y, maxPairs)).as("round %d, n %d, maxPairs %d", round, n, maxPairs)
                    .isEqualTo(naiveTheilSen(x, y, maxPairs));
        }
    }

    @Test
    void mannKendallEqualsTheCountOfEveryPair() {
        SplittableRandom random = new SplittableRandom(SEED + 2);
        for (int round = 0; round < 600; round++) {
            int n = 3 + random.nextInt(400);
            double[] v = values(random, n, round % 7);
            for (int i = 0; i < n; i++) {
                v[i] = Double.isFinite(v[i]) ? v[i] : 0;
            }
            MannKendall.Result fast = MannKendall.test(v);
            long s = 0;
            for (int i = 0; i < n - 1; i++) {
                for (int j = i + 1; j < n; j++) {
                    s += v[j] > v[i] ? 1 : v[j] < v[i] ? -1 : 0;
                }
            }
            double[] sorted = v.clone();
            Arrays.sort(sorted);
            double ties = 0;
            for (int i = 0; i < n; ) {
                int j = i;
                while (j < n && sorted[j] == sorted[i]) {
                    j++;
                }
                long t = j - i;
                ties += (double) t * (t - 1) * (2 * t + 5);
                i = j;
            }
            assertThat(fast.s()).as("round %d", round).isEqualTo(s);
            assertThat(fast.varianceS()).isEqualTo(((double) n * (n - 1) * (2.0 * n + 5) - ties) / 18.0);
        }
    }

    /** Random values of one of several shapes, all with ties: few levels, a noisy ramp, a flat line, signed zeros. */
    private static double[] values(SplittableRandom random, int n, int shape) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (shape) {
                case 0 -> random.nextInt(4);
                case 1 -> 1e6 + 3e4 * i + random.nextInt(5) * 1e3;
                case 2 -> 42;
                case 3 -> random.nextBoolean() ? 0.0 : -0.0;
                case 4 -> i % 17 == 0 ? Double.NaN : i % 13 == 0 ? Double.NEGATIVE_INFINITY : random.nextGaussian();
                case 5 -> n - i + random.nextInt(3); // descending
                default -> Math.round(random.nextGaussian() * 10) / 10.0;
            };
        }
        return v;
    }

    /** The estimator as defined: every (or the same sampled) pairwise slope, sorted. */
    private static TheilSen.Fit naiveTheilSen(double[] x, double[] y, int maxPairs) {
        int n = x.length;
        long totalPairs = (long) n * (n - 1) / 2;
        double[] slopes;
        int count = 0;
        if (totalPairs <= maxPairs) {
            slopes = new double[(int) totalPairs];
            for (int i = 0; i < n - 1; i++) {
                for (int j = i + 1; j < n; j++) {
                    double dx = x[j] - x[i];
                    if (dx != 0) {
                        slopes[count++] = (y[j] - y[i]) / dx;
                    }
                }
            }
        } else {
            slopes = new double[maxPairs];
            SplittableRandom random = new SplittableRandom(0x1EA4_5A7EL);
            int attempts = 0;
            while (count < maxPairs && attempts < 4L * maxPairs) {
                attempts++;
                int i = random.nextInt(n);
                int j = random.nextInt(n);
                double dx = x[j] - x[i];
                if (dx != 0) {
                    slopes[count++] = (y[j] - y[i]) / dx;
                }
            }
        }
        Arrays.sort(slopes, 0, count);
        double slope = TheilSen.median(slopes, count);
        double[] residual = new double[n];
        for (int i = 0; i < n; i++) {
            residual[i] = y[i] - slope * x[i];
        }
        Arrays.sort(residual);
        double intercept = TheilSen.median(residual, n);
        double varS = n * (n - 1) * (2.0 * n + 5) / 18.0;
        double c = 1.959963984540054 * Math.sqrt(varS) * ((double) count / Math.max(1, totalPairs));
        int lo = (int) Math.floor((count - c) / 2.0);
        int hi = (int) Math.ceil((count + c) / 2.0);
        return new TheilSen.Fit(slope, intercept, slopes[Math.max(0, Math.min(count - 1, lo))],
                slopes[Math.max(0, Math.min(count - 1, hi))], count);
    }
}
