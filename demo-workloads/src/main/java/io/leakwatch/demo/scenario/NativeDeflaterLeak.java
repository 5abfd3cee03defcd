package io.leakwatch.demo.scenario;

import io.leakwatch.demo.Label;
import io.leakwatch.demo.Pacer;
import io.leakwatch.demo.RunningScenario;
import io.leakwatch.demo.Scenario;
import io.leakwatch.demo.ScenarioRun;
import io.leakwatch.demo.ScenarioSettings;
import io.leakwatch.demo.Signal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.Deflater;

/**
 * Leak of native memory that no JVM pool reports: a compressor per tenant session, created with
 * {@code new Deflater()} and never {@code end()}ed, kept in a session list. Each one holds zlib's
 * deflate state in malloc'ed memory (about 256 KiB at the default level: window, hash chains and
 * pending buffer), touched by compressing a block so it counts in RSS. Heap and direct pools stay flat
 * while RSS grows, which is the picture of a native leak. It works on every JDK without JNI, Unsafe or
 * flags, unlike FFM (final only from 22) or Unsafe (warns, and is going away).
 */
public final class NativeDeflaterLeak implements Scenario {
    /** zlib's deflate state at level 6, windowBits 15, memLevel 8: 4 x 64 KiB, plus a small struct. */
    static final int NATIVE_BYTES_PER_DEFLATER = 256 * 1024;
    static final int BLOCK_BYTES = 64 * 1024;

    @Override
    public String name() {
        return "native-deflater";
    }

    @Override
    public Label label() {
        return Label.LEAK;
    }

    @Override
    public Signal signal() {
        return Signal.NATIVE;
    }

    @Override
    public String description() {
        return "Each tenant session creates a java.util.zip.Deflater (about 256 KiB of zlib native memory) and never calls end().";
    }

    @Override
    public Map<String, String> defaultArgs() {
        return Map.of("rate", "256");
    }

    @Override
    public RunningScenario start(ScenarioSettings settings) {
        return new Run(name(), settings);
    }

    private static final class Run extends ScenarioRun {
        private final List<Deflater> sessions = new ArrayList<>();
        private final byte[] block = new byte[BLOCK_BYTES];
        private final byte[] out = new byte[BLOCK_BYTES + 1024];

        Run(String name, ScenarioSettings settings) {
            super(name, settings);
            // Incompressible input makes zlib walk its whole window and hash table.
            new Random(42).nextBytes(block);
            Pacer deflaters = new Pacer(settings.rate() * 1024.0 / NATIVE_BYTES_PER_DEFLATER);
            every(TICK_MILLIS, () -> {
                for (long i = deflaters.due(elapsedSeconds()); i > 0; i--) {
                    Deflater deflater = new Deflater();
                    deflater.setInput(block);
                    deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
                    synchronized (sessions) {
                        sessions.add(deflater);
                    }
                    countOperations(1);
                }
            });
        }

        /** Estimated native bytes held: the deflaters alive times zlib's state size. */
        @Override
        public long retained() {
            synchronized (sessions) {
                return (long) sessions.size() * NATIVE_BYTES_PER_DEFLATER;
            }
        }

        @Override
        protected void release() {
            synchronized (sessions) {
                sessions.forEach(Deflater::end);
                sessions.clear();
            }
        }
    }
}
