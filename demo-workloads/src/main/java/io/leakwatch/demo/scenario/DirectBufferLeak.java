package io.leakwatch.demo.scenario;

import io.leakwatch.demo.Label;
import io.leakwatch.demo.Pacer;
import io.leakwatch.demo.RunningScenario;
import io.leakwatch.demo.Scenario;
import io.leakwatch.demo.ScenarioRun;
import io.leakwatch.demo.ScenarioSettings;
import io.leakwatch.demo.Signal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Leak off-heap: each connection gets a 64 KiB direct read buffer that is parked in a "reuse later"
 * list and never reused or dropped. The direct buffer pool and RSS grow while the heap barely moves.
 * At {@code -XX:MaxDirectMemorySize} the run reports the OutOfMemoryError once and keeps serving.
 */
public final class DirectBufferLeak implements Scenario {
    static final int BUFFER_BYTES = 64 * 1024;

    @Override
    public String name() {
        return "direct-buffers";
    }

    @Override
    public Label label() {
        return Label.LEAK;
    }

    @Override
    public Signal signal() {
        return Signal.DIRECT;
    }

    @Override
    public Set<Signal> alsoMoves() {
        return Set.of(Signal.NATIVE);
    }

    @Override
    public String description() {
        return "Each connection allocates a 64 KiB direct ByteBuffer and parks it in a list that is never drained.";
    }

    @Override
    public Map<String, String> defaultArgs() {
        return Map.of("rate", "128");
    }

    @Override
    public RunningScenario start(ScenarioSettings settings) {
        return new Run(name(), settings);
    }

    private static final class Run extends ScenarioRun {
        private final List<ByteBuffer> parked = new ArrayList<>();
        private final AtomicLong retained = new AtomicLong();

        Run(String name, ScenarioSettings settings) {
            super(name, settings);
            Pacer buffers = new Pacer(settings.rate() * 1024.0 / BUFFER_BYTES);
            every(TICK_MILLIS, () -> {
                for (long i = buffers.due(elapsedSeconds()); i > 0; i--) {
                    ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
                    // Touch every page so the buffer shows in RSS, as a real read would.
                    for (int offset = 0; offset < BUFFER_BYTES; offset += 4096) {
                        buffer.put(offset, (byte) 1);
                    }
                    synchronized (parked) {
                        parked.add(buffer);
                    }
                    retained.addAndGet(BUFFER_BYTES);
                    countOperations(1);
                }
            });
        }

        @Override
        public long retained() {
            return retained.get();
        }

        @Override
        protected void release() {
            // The buffers' cleaners free the memory once the GC finds them unreachable.
            synchronized (parked) {
                parked.clear();
            }
            retained.set(0);
        }
    }
}
