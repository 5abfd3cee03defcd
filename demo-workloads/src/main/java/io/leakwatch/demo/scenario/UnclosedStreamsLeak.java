package io.leakwatch.demo.scenario;

import io.leakwatch.demo.Label;
import io.leakwatch.demo.Pacer;
import io.leakwatch.demo.RunningScenario;
import io.leakwatch.demo.Scenario;
import io.leakwatch.demo.ScenarioRun;
import io.leakwatch.demo.ScenarioSettings;
import io.leakwatch.demo.Signal;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Leak: response bodies read partly and never closed. Each one is a file stream (a file descriptor)
 * with an 8 KiB buffer, kept reachable by a list of pending responses so no cleaner closes it. Files
 * live in a temporary directory the run creates and deletes on {@link RunningScenario#close()}.
 * When the OS refuses more files the run says so once on stderr and keeps serving.
 */
public final class UnclosedStreamsLeak implements Scenario {
    static final int BODY_FILES = 16;

    @Override
    public String name() {
        return "unclosed-streams";
    }

    @Override
    public Label label() {
        return Label.LEAK;
    }

    @Override
    public Signal signal() {
        return Signal.FDS;
    }

    @Override
    public Set<Signal> alsoMoves() {
        return Set.of(Signal.HEAP);
    }

    @Override
    public String description() {
        return "Each call opens a response body (a file stream with an 8 KiB buffer), reads its header and never closes it.";
    }

    @Override
    public Map<String, String> defaultArgs() {
        return Map.of("rate", "1");
    }

    @Override
    public RunningScenario start(ScenarioSettings settings) {
        return new Run(name(), settings);
    }

    private static final class Run extends ScenarioRun {
        private final Path directory;
        private final List<Path> bodies = new ArrayList<>();
        // The pending-responses list: why the streams stay reachable and open.
        private final List<InputStream> pending = new ArrayList<>();

        Run(String name, ScenarioSettings settings) {
            super(name, settings);
            try {
                directory = Files.createTempDirectory("leakwatch-" + name + "-");
                for (int i = 0; i < BODY_FILES; i++) {
                    bodies.add(Files.write(directory.resolve("response-" + i + ".json"),
                            ("{\"status\":\"ok\",\"item\":" + i + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the scenario's temporary files", e);
            }
            Pacer calls = new Pacer(settings.rate());
            every(TICK_MILLIS, () -> {
                for (long i = calls.due(elapsedSeconds()); i > 0; i--) {
                    openAndForget();
                }
            });
        }

        private void openAndForget() {
            Path body = bodies.get((int) (operations() % bodies.size()));
            try {
                InputStream stream = new BufferedInputStream(Files.newInputStream(body));
                stream.read();
                synchronized (pending) {
                    pending.add(stream);
                }
                countOperations(1);
            } catch (IOException e) {
                reportOnce("cannot open more files (" + e.getMessage() + "); the leak has hit the limit");
            }
        }

        @Override
        public long retained() {
            synchronized (pending) {
                return pending.size();
            }
        }

        @Override
        protected void release() {
            synchronized (pending) {
                for (InputStream stream : pending) {
                    try {
                        stream.close();
                    } catch (IOException ignored) {
                        // Closing a read-only file stream cannot lose data; keep releasing the rest.
                    }
                }
                pending.clear();
            }
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                System.err.println("scenario " + name() + ": could not delete " + directory + ": " + e.getMessage());
            }
        }
    }
}
