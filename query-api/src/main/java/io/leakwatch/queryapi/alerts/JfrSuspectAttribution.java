package io.leakwatch.queryapi.alerts;

import io.leakwatch.store.jfr.Attribution;
import io.leakwatch.store.jfr.JfrQueries;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The top suspect from JFR old-object samples: the first class of {@link JfrQueries#attribution} over the
 * window against the window before it, with the top frame of its heaviest allocation stack (or, without
 * allocation samples, of its most frequent old-object stack). Blocking: call from a worker.
 */
public final class JfrSuspectAttribution implements SuspectAttribution {
    private final JfrQueries queries;

    public JfrSuspectAttribution(JfrQueries queries) {
        this.queries = Objects.requireNonNull(queries, "queries");
    }

    @Override
    public Optional<Suspected> top(String instance, Instant now, Duration window) {
        long to = now.toEpochMilli();
        long from = to - window.toMillis();
        Attribution attribution = queries.attribution(instance, from, to, from - window.toMillis(), from, 1);
        if (attribution.classes().isEmpty()) {
            return Optional.empty();
        }
        Attribution.ClassGrowth top = attribution.classes().getFirst();
        String site = firstFrame(top.allocationStacks());
        if (site == null) {
            site = firstFrame(top.oldObjectStacks());
        }
        return Optional.of(new Suspected(top.className(), site));
    }

    private static String firstFrame(List<Attribution.StackCount> stacks) {
        return stacks.stream().filter(s -> !s.frames().isEmpty()).map(s -> s.frames().getFirst()).findFirst()
                .orElse(null);
    }
}
