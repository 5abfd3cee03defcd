package io.leakwatch.demo.scenario;

import io.leakwatch.demo.Label;
import io.leakwatch.demo.RunningScenario;
import io.leakwatch.demo.Scenario;
import io.leakwatch.demo.ScenarioRun;
import io.leakwatch.demo.ScenarioSettings;
import io.leakwatch.demo.Signal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Healthy look-alike: a fixed 8 MiB live set (a reference table loaded once) plus an export that, once
 * a second, builds a transient buffer and drops it half a second later. The buffer grows at {@code rate}
 * KiB/s up to {@code limit} KiB, so the GC commits more and more heap while the live set stays flat.
 * An alert on committed or used heap fires; the after-GC floor does not move.
 */
public final class CommittedGrowsLiveFlat implements Scenario {
    static final int LIVE_BYTES = 8 * 1024 * 1024;
    static final int CHUNK_BYTES = 1024 * 1024;

    @Override
    public String name() {
        return "committed-grows-live-flat";
    }

    @Override
    public Label label() {
        return Label.HEALTHY;
    }

    @Override
    public Signal signal() {
        return Signal.HEAP;
    }

    @Override
    public String description() {
        return "A flat 8 MiB live set plus a once-a-second transient export buffer that grows at rate KiB/s up to limit KiB: committed heap grows, the live set does not.";
    }

    @Override
    public Map<String, String> defaultArgs() {
        return Map.of("rate", "2048", "limit", "262144");
    }

    @Override
    public RunningScenario start(ScenarioSettings settings) {
        return new Run(name(), settings);
    }

    private static final class Run extends ScenarioRun {
        private final List<byte[]> referenceTable = new ArrayList<>();
        private volatile List<byte[]> export = List.of();

        Run(String name, ScenarioSettings settings) {
            super(name, settings);
            for (int held = 0; held < LIVE_BYTES; held += CHUNK_BYTES) {
                referenceTable.add(new byte[CHUNK_BYTES]);
            }
            every(1000, () -> {
                long exportBytes = Math.min(settings.limit(), Math.round(settings.rate() * elapsedSeconds())) * 1024;
                List<byte[]> building = new ArrayList<>();
                for (long held = 0; held < exportBytes; held += CHUNK_BYTES) {
                    building.add(new byte[CHUNK_BYTES]);
                }
                export = building;
                countOperations(building.size());
                after(Duration.ofMillis(500), () -> export = List.of());
            });
        }

        /** The live set proper: the reference table, never the transient export. */
        @Override
        public long retained() {
            return (long) referenceTable.size() * CHUNK_BYTES;
        }

        @Override
        protected void release() {
            referenceTable.clear();
            export = List.of();
        }
    }
}
