package io.leakwatch.ingest;

import io.leakwatch.store.MetricRow;
import io.leakwatch.store.MetricWriter;
import io.leakwatch.store.StoreException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory {@link MetricWriter} that deduplicates by token the way ClickHouse does, records every
 * call, and can be told to fail the next N writes.
 */
final class FakeMetricWriter implements MetricWriter {
    private final List<MetricRow> stored = new ArrayList<>();
    private final List<String> acceptedTokens = new ArrayList<>();
    private final Set<String> seenTokens = new HashSet<>();
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private volatile boolean failRetryable = true;

    /** The next {@code n} writes throw a {@link StoreException} with the given retryability. */
    void failNext(int n, boolean retryable) {
        failRetryable = retryable;
        failuresLeft.set(n);
    }

    @Override
    public void write(List<MetricRow> rows, String dedupToken) {
        calls.incrementAndGet();
        if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new StoreException("injected failure", failRetryable);
        }
        synchronized (this) {
            if (dedupToken != null && !seenTokens.add(dedupToken)) {
                return;
            }
            acceptedTokens.add(dedupToken);
            stored.addAll(rows);
        }
    }

    synchronized List<MetricRow> rows() {
        return List.copyOf(stored);
    }

    synchronized List<String> tokens() {
        return List.copyOf(acceptedTokens);
    }

    int calls() {
        return calls.get();
    }
}
