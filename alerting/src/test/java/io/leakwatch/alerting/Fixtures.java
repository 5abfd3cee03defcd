package io.leakwatch.alerting;

import io.leakwatch.analysis.Signal;
import io.leakwatch.analysis.Verdict;
import java.time.Instant;
import java.util.List;

/** Findings for tests. */
public final class Fixtures {

    public static final UiLinks LINKS = new UiLinks("https://leakwatch.example.com/");
    public static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private Fixtures() {
    }

    public static Finding heapLeak(String instance, int confidence) {
        return new Finding("checkout", "1.5.0", "prod", List.of(instance), Signal.HEAP, Verdict.LEAK, confidence,
                12.5 * 1024 * 1024, "bytes", 5L * 3600 + 20 * 60, T0.minusSeconds(7200), null, null,
                LINKS.instance(instance));
    }
}
