package io.leakwatch.analysis.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Each statistic against values computed by hand (worked out in the comments). */
class StatisticsTest {

    @Test
    void theilSenIgnoresAnOutlier() {
        // Pairwise slopes: seven 1s and 25, 33, 49, 97 → median of 10 = (1 + 1) / 2 = 1.
        // Residuals y − x = 0, 0, 0, 0, 96 → intercept 0. Least squares would give slope 20.2.
        TheilSen.Fit fit = TheilSen.fit(new double[] {0, 1, 2, 3, 4}, new double[] {0, 1, 2, 3, 100});
        assertThat(fit.slope()).isEqualTo(1.0);
        assertThat(fit.intercept()).isEqualTo(0.0);
        assertThat(fit.pairsUsed()).isEqualTo(10);
        assertThat(fit.slopeLow()).isLessThanOrEqualTo(1.0);
        assertThat(fit.slopeHigh()).isGreaterThanOrEqualTo(1.0);
        assertThat(LeastSquares.fit(new double[] {0, 1, 2, 3, 4}, new double[] {0, 1, 2, 3, 100}).slope())
                .isCloseTo(20.2, within(1e-9));
    }

    @Test
    void theilSenOddNumberOfSlopes() {
        // Slopes 2, 1.5, 1 → median 1.5; residuals 0, 0.5, 0 → intercept 0.
        TheilSen.Fit fit = TheilSen.fit(new double[] {0, 1, 2}, new double[] {0, 2, 3});
        assertThat(fit.slope()).isEqualTo(1.5);
        assertThat(fit.intercept()).isEqualTo(0.0);
    }

    @Test
    void theilSenSamplesLargeInputsDeterministically() {
        int n = 2_000; // ~2M pairs → sampled down to MAX_PAIRS
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            y[i] = 3 * i + ((i * 7919) % 11) - 5;
        }
        TheilSen.Fit a = TheilSen.fit(x, y);
        TheilSen.Fit b = TheilSen.fit(x, y);
        assertThat(a.pairsUsed()).isEqualTo(TheilSen.MAX_PAIRS);
        assertThat(a).isEqualTo(b);
        assertThat(a.slope()).isCloseTo(3.0, within(0.01));
    }

    @Test
    void mannKendallStrictlyIncreasing() {
        // S = 10; Var S = 5·4·15/18 = 16.667; Z = (10 − 1)/4.0825 = 2.2045; two-sided p = 0.0275.
        MannKendall.Result r = MannKendall.test(new double[] {1, 2, 3, 4, 5});
        assertThat(r.s()).isEqualTo(10);
        assertThat(r.varianceS()).isCloseTo(16.6667, within(1e-3));
        assertThat(r.z()).isCloseTo(2.2045, within(1e-3));
        assertThat(r.pTwoSided()).isCloseTo(0.0275, within(2e-4));
        assertThat(r.pIncreasing()).isCloseTo(0.01375, within(1e-4));
        assertThat(r.tau()).isEqualTo(1.0);
    }

    @Test
    void mannKendallCorrectsForTies() {
        // y = 1,1,2,2,3: 8 increasing pairs, 2 ties → S = 8.
        // Var S = (5·4·15 − 2·(2·1·9)) / 18 = (300 − 36)/18 = 14.667; Z = 7/3.8297 = 1.8278.
        MannKendall.Result r = MannKendall.test(new double[] {1, 1, 2, 2, 3});
        assertThat(r.s()).isEqualTo(8);
        assertThat(r.varianceS()).isCloseTo(14.6667, within(1e-3));
        assertThat(r.z()).isCloseTo(1.8278, within(1e-3));
    }

    @Test
    void mannKendallDecreasingAndTooShort() {
        assertThat(MannKendall.test(new double[] {3, 2, 1, 0}).s()).isEqualTo(-6);
        assertThat(MannKendall.test(new double[] {1, 2}).pTwoSided()).isEqualTo(1.0);
    }

    @Test
    void normalDistributionMatchesTables() {
        assertThat(NormalDistribution.cdf(0)).isCloseTo(0.5, within(1e-7));
        assertThat(NormalDistribution.cdf(1.96)).isCloseTo(0.9750021, within(1e-6));
        assertThat(NormalDistribution.cdf(-1)).isCloseTo(0.1586553, within(1e-6));
        assertThat(NormalDistribution.twoSidedP(1.959964)).isCloseTo(0.05, within(1e-6));
        assertThat(NormalDistribution.upperTailP(3.090232)).isCloseTo(0.001, within(1e-6));
    }

    @Test
    void lowerEnvelopeKeepsEachBucketsMinimumAtItsTime() {
        // Buckets of 20 ms: {0, 10} → 3 at 10; {20, 30} → 4 at 20; {40} → 1 at 40.
        LowerEnvelope.Points p = LowerEnvelope.of(new long[] {0, 10, 20, 30, 40}, new double[] {5, 3, 4, 9, 1}, 20);
        assertThat(p.timestampsMs()).containsExactly(10, 20, 40);
        assertThat(p.values()).containsExactly(3, 4, 1);
    }

    @Test
    void segmentedFitFindsAStepAndSlopeChange() {
        // y = 0 for x < 10, then y = 5 + x: only a split at index 10 fits both parts exactly.
        double[] x = new double[20];
        double[] y = new double[20];
        for (int i = 0; i < 20; i++) {
            x[i] = i;
            y[i] = i < 10 ? 0 : 5 + i;
        }
        SegmentedFit.Split s = SegmentedFit.best(x, y, 3);
        assertThat(s.index()).isEqualTo(10);
        assertThat(s.slopeBefore()).isCloseTo(0, within(1e-9));
        assertThat(s.slopeAfter()).isCloseTo(1, within(1e-9));
        assertThat(s.improvement()).isCloseTo(1, within(1e-9));
        assertThat(SegmentedFit.best(x, y, 11)).isNull();
    }

    @Test
    void drawdownIsTheLargestFallFromAnEarlierHigh() {
        assertThat(Drawdown.max(new double[] {1, 3, 2, 5, 1, 4}, 0, 6)).isEqualTo(4.0);
        assertThat(Drawdown.max(new double[] {1, 2, 3}, 0, 3)).isEqualTo(0.0);
    }
}
