package io.leakwatch.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Runs one scenario of the zoo until its {@code duration} ends or the process is stopped:
 * {@code ScenarioMain scenario=<name> [rate=…] [duration=…] [garbage-mb-per-s=…] [limit=…] [period=…]
 * [deploy-at=…]}, or {@code ScenarioMain list} to print the manifest (JSON). A usage error (unknown
 * scenario, key or malformed value) is one line on stderr and exit status 2.
 */
public final class ScenarioMain {
    static final int USAGE_ERROR = 2;

    private ScenarioMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** The whole program, with its streams passed in so tests can run it in-process; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        if (args.length == 1 && args[0].equals("list")) {
            out.print(manifest());
            out.flush();
            return 0;
        }
        Scenario scenario;
        ScenarioSettings settings;
        try {
            Map<String, String> parsed = keyValues(args);
            String name = parsed.remove("scenario");
            if (name == null) {
                throw new IllegalArgumentException("usage: ScenarioMain scenario=<name> [rate=...] [duration=...]"
                        + " [garbage-mb-per-s=...] | list");
            }
            scenario = Scenarios.byName(name).orElseThrow(() -> new IllegalArgumentException("unknown scenario '"
                    + name + "'; known: " + Scenarios.all().stream().map(Scenario::name)
                            .collect(Collectors.joining(", "))));
            settings = ScenarioSettings.parse(scenario, parsed);
        } catch (IllegalArgumentException e) {
            err.println("scenario: " + e.getMessage());
            return USAGE_ERROR;
        }

        out.printf(Locale.ROOT, "scenario %s (%s, %s): rate %s %s, %d MB/s of garbage%s%n", scenario.name(),
                scenario.label().wireName(), scenario.signal().wireName(), settings.rate(),
                scenario.signal().rateUnit(), settings.garbageMbPerSecond(),
                settings.duration() == null ? "" : ", for " + settings.duration().toSeconds() + "s");
        out.flush();
        RunningScenario running = scenario.start(settings);
        // Stopped by a signal: still release what the scenario holds (temporary files above all).
        Thread cleanup = new Thread(running::close, "scenario-shutdown");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            if (settings.duration() == null) {
                Thread.currentThread().join();
            } else {
                Thread.sleep(settings.duration().toMillis());
            }
        } finally {
            running.close();
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // Already shutting down: the hook runs anyway and close() is idempotent.
            }
        }
        return 0;
    }

    private static Map<String, String> keyValues(String[] args) {
        Map<String, String> parsed = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0 || arg.length() > 200) {
                throw new IllegalArgumentException("expected key=value, got '" + abbreviate(arg) + "'");
            }
            if (parsed.put(arg.substring(0, eq), arg.substring(eq + 1)) != null) {
                throw new IllegalArgumentException("'" + arg.substring(0, eq) + "' given twice");
            }
        }
        return parsed;
    }

    private static String abbreviate(String arg) {
        return arg.length() > 60 ? arg.substring(0, 60) + "..." : arg;
    }

    /** The manifest as shipped in the jar. */
    static String manifest() {
        try (InputStream in = ScenarioMain.class.getResourceAsStream(Scenarios.MANIFEST)) {
            if (in == null) {
                throw new IllegalStateException("manifest missing from the classpath: " + Scenarios.MANIFEST);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
