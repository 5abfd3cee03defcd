package io.leakwatch.analysis.stats;

/**
 * Single change-point detection by a two-segment least-squares fit: for every admissible split, fit a
 * separate line to each side and keep the split with the smallest total squared error.
 *
 * <p>Promises: O(n) using prefix sums; deterministic (the earliest split wins ties). The segments are not
 * forced to meet, so both a change of slope (growth that starts or stops) and a step (a level shift at a
 * deploy) are found. {@link Split#improvement()} says how much better two lines explain the data than one,
 * which callers compare with a threshold before believing the split.
 */
public final class SegmentedFit {

    /**
     * The best split.
     *
     * @param index        first index of the second segment
     * @param slopeBefore  least-squares slope of the first segment
     * @param slopeAfter   least-squares slope of the second segment
     * @param sseOneLine   squared error of one line through all points
     * @param sseTwoLines  squared error of the two segment lines
     */
    public record Split(int index, double slopeBefore, double slopeAfter, double sseOneLine, double sseTwoLines) {

        /** Share of the one-line squared error removed by splitting, in [0, 1]. */
        public double improvement() {
            return sseOneLine <= 0 ? 0 : Math.max(0, 1 - sseTwoLines / sseOneLine);
        }
    }

    private SegmentedFit() {
    }

    /**
     * Finds the best split with at least {@code minSegment} points on each side, or returns null when the
     * series is too short for two such segments.
     */
    public static Split best(double[] x, double[] y, int minSegment) {
        int n = x.length;
        int min = Math.max(2, minSegment);
        if (n < 2 * min) {
            return null;
        }
        // Centre x and y for numerical stability of the prefix sums (epoch-scale x would lose precision).
        double x0 = x[0];
        double y0 = y[0];
        double[] sx = new double[n + 1];
        double[] sy = new double[n + 1];
        double[] sxx = new double[n + 1];
        double[] sxy = new double[n + 1];
        double[] syy = new double[n + 1];
        for (int i = 0; i < n; i++) {
            double a = x[i] - x0;
            double b = y[i] - y0;
            sx[i + 1] = sx[i] + a;
            sy[i + 1] = sy[i] + b;
            sxx[i + 1] = sxx[i] + a * a;
            sxy[i + 1] = sxy[i] + a * b;
            syy[i + 1] = syy[i] + b * b;
        }
        double[] whole = segment(sx, sy, sxx, sxy, syy, 0, n);
        Split best = null;
        for (int k = min; k <= n - min; k++) {
            double[] left = segment(sx, sy, sxx, sxy, syy, 0, k);
            double[] right = segment(sx, sy, sxx, sxy, syy, k, n);
            double sse = left[1] + right[1];
            if (best == null || sse < best.sseTwoLines()) {
                best = new Split(k, left[0], right[0], whole[1], sse);
            }
        }
        return best;
    }

    /** Slope and squared error of the least-squares line over [from, to). */
    private static double[] segment(double[] sx, double[] sy, double[] sxx, double[] sxy, double[] syy,
                                    int from, int to) {
        int n = to - from;
        double mx = (sx[to] - sx[from]) / n;
        double my = (sy[to] - sy[from]) / n;
        double cxx = (sxx[to] - sxx[from]) - n * mx * mx;
        double cxy = (sxy[to] - sxy[from]) - n * mx * my;
        double cyy = (syy[to] - syy[from]) - n * my * my;
        if (cxx <= 0) {
            return new double[] {0, Math.max(0, cyy)};
        }
        double slope = cxy / cxx;
        return new double[] {slope, Math.max(0, cyy - slope * cxy)};
    }
}
