package io.leakwatch.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Kafka broker running as a child process of this JVM, started through {@link KafkaBrokerMain} with the
 * classpath that the test-fixtures build wrote ({@value #CLASSPATH_RESOURCE}). {@link #start} returns once the
 * broker has announced it serves clients, or throws with the tail of its log; {@link #stop} ends it and removes
 * its state dir. Not for direct use in tests: {@link KafkaBroker#shared()} owns the one instance of a test JVM.
 */
final class KafkaBrokerProcess {

    /** Classpath resource (next to this class) listing the broker's jars, written by maven-dependency-plugin. */
    static final String CLASSPATH_RESOURCE = "kafka-broker.classpath";
    /** Overrides the resource with a file of the same format (jar paths separated by the path separator). */
    static final String CLASSPATH_FILE_PROPERTY = "leakwatch.kafka.classpathFile";

    private static final String MAIN_CLASS = "io.leakwatch.testing.KafkaBrokerMain";
    private static final int START_ATTEMPTS = 3;
    private static final Duration POLL = Duration.ofMillis(100);

    private final KafkaBrokerSettings settings;
    private final Process process;
    private final Path logFile;

    private KafkaBrokerProcess(KafkaBrokerSettings settings, Process process, Path logFile) {
        this.settings = settings;
        this.process = process;
        this.logFile = logFile;
    }

    /**
     * Starts a broker on fresh loopback ports with its state in a new temporary directory. A port taken by someone
     * else between picking and binding costs one more attempt, not a failed test run.
     */
    static KafkaBrokerProcess start(Duration timeout) {
        List<String> classpath = brokerClasspath();
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            Path stateDir;
            try {
                stateDir = Files.createTempDirectory("leakwatch-kafka-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a state dir for the Kafka broker", e);
            }
            KafkaBrokerSettings settings = new KafkaBrokerSettings(stateDir, FreePorts.pick(), FreePorts.pick());
            KafkaBrokerProcess broker = launch(settings, classpath);
            try {
                broker.awaitReady(timeout);
                return broker;
            } catch (IllegalStateException e) {
                broker.stop(Duration.ofSeconds(10), false);
                last = e;
                if (!broker.logContains("Address already in use")) {
                    break;
                }
            }
        }
        throw last;
    }

    String bootstrapServers() {
        return settings.bootstrapServers();
    }

    long pid() {
        return process.pid();
    }

    Path stateDir() {
        return settings.stateDir();
    }

    Path logFile() {
        return logFile;
    }

    /**
     * Sends SIGTERM (Kafka shuts down in order), waits up to {@code grace}, then kills. Removes the state dir
     * when {@code deleteState}, except after a kill, where the log may explain what went wrong.
     */
    void stop(Duration grace, boolean deleteState) {
        boolean clean = true;
        if (process.isAlive()) {
            process.destroy();
            try {
                clean = process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                clean = false;
            }
            if (!clean) {
                process.destroyForcibly();
            }
        }
        if (deleteState && clean) {
            deleteRecursively(settings.stateDir());
        }
    }

    private static KafkaBrokerProcess launch(KafkaBrokerSettings settings, List<String> brokerClasspath) {
        List<String> classpath = new ArrayList<>();
        classpath.add(ownLocation().toString());
        classpath.addAll(brokerClasspath);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError",
                "-Djava.awt.headless=true"));
        command.addAll(List.of(
                "-cp", String.join(java.io.File.pathSeparator, classpath),
                MAIN_CLASS,
                settings.stateDir().toString(),
                String.valueOf(settings.port()),
                String.valueOf(settings.controllerPort()),
                "--exit-on-stdin-eof"));
        Path logFile = settings.stateDir().resolve("kafka.log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile());
        // stdin stays a pipe held by this JVM: when this JVM dies, the broker sees end of stream and exits.
        try {
            return new KafkaBrokerProcess(settings, builder.start(), logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Kafka broker JVM: " + command.get(0), e);
        }
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(settings.readyFile())) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Kafka broker exited with status " + process.exitValue()
                        + " before it was ready; last lines of " + logFile + ":\n" + logTail());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Kafka broker not ready within " + timeout.toSeconds()
                        + " s; last lines of " + logFile + ":\n" + logTail());
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
            }
        }
    }

    private boolean logContains(String text) {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8).contains(text);
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    String logTail() {
        try (Stream<String> lines = Files.lines(logFile, StandardCharsets.UTF_8)) {
            List<String> all = lines.toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - 40), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /**
     * The broker's jars, from {@value #CLASSPATH_FILE_PROPERTY} or the resource the build wrote. Fails with the
     * command that repairs it when the file or one of its jars is missing (a cleaned local repository, say).
     */
    static List<String> brokerClasspath() {
        String text;
        String source;
        String override = System.getProperty(CLASSPATH_FILE_PROPERTY);
        try {
            if (override != null && !override.isBlank()) {
                source = override;
                text = Files.readString(Path.of(override));
            } else {
                source = "classpath resource io/leakwatch/testing/" + CLASSPATH_RESOURCE;
                try (InputStream in = KafkaBrokerProcess.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
                    if (in == null) {
                        throw new IllegalStateException(source + " is missing; build test-fixtures first: "
                                + "./mvnw -pl test-fixtures -am install -DskipTests");
                    }
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Kafka broker classpath from " + override, e);
        }
        List<String> jars = Stream.of(text.strip().split(java.io.File.pathSeparator))
                .filter(s -> !s.isBlank()).toList();
        List<String> missing = jars.stream().filter(j -> !Files.exists(Path.of(j))).toList();
        if (jars.isEmpty() || !missing.isEmpty()) {
            throw new IllegalStateException("the Kafka broker classpath from " + source + " names jars that are not "
                    + "there " + missing + "; rebuild it: ./mvnw -pl test-fixtures -am install -DskipTests");
        }
        return jars;
    }

    /** The directory or jar holding these fixtures, so the child JVM can load {@link KafkaBrokerMain}. */
    private static Path ownLocation() {
        try {
            return Path.of(KafkaBrokerProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("cannot locate the test-fixtures classes", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // Leftovers in the temp dir are harmless; failing a shutdown hook over them is not.
        }
    }
}
