package io.leakwatch.collector.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@code HostApp} in a child JVM of a given JDK and collector, with the built agent jar attached. */
final class HostJvm {
    record Result(int exitCode, String stdout, String stderr, long pid) {}

    static Path agentJar() {
        return Path.of(System.getProperty("leakwatch.agent.jar", "target/leakwatch-agent.jar"));
    }

    static Path jdkHome(String feature) {
        String fallback = feature.equals("17") ? "/usr/lib/jvm/java-17-openjdk-amd64" : System.getProperty("java.home");
        return Path.of(System.getProperty("leakwatch.jdk" + feature + ".home", fallback));
    }

    static Path hostSource() throws IOException {
        Path dir = Files.createTempDirectory("leakwatch-host");
        Path source = dir.resolve("HostApp.java");
        dir.toFile().deleteOnExit();
        source.toFile().deleteOnExit();
        try (var in = HostJvm.class.getResourceAsStream("/host/HostApp.java")) {
            Files.write(source, in.readAllBytes());
        }
        return source;
    }

    /** A host that is running; {@link #finish()} waits for its exit. */
    record Running(Process process, Path out, Path err, long runMillis) {
        String stdout() throws IOException {
            return Files.readString(out);
        }

        Result finish() throws Exception {
            if (!process.waitFor(runMillis + 30_000, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("host JVM did not exit; stderr: " + Files.readString(err));
            }
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err), process.pid());
        }
    }

    static Result run(String jdk, String gcFlag, String agentArgs, Map<String, String> env, long runMillis)
            throws Exception {
        return start(jdk, gcFlag, "-javaagent:" + agentJar().toAbsolutePath() + (agentArgs.isEmpty() ? "" : "=" + agentArgs),
                env, runMillis).finish();
    }

    /** Starts a host; {@code agentFlag} may be empty for a host that gets the agent by dynamic attach. */
    static Running start(String jdk, String gcFlag, String agentFlag, Map<String, String> env, long runMillis)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(jdkHome(jdk).resolve("bin/java").toString(), "-Xmx128m", gcFlag));
        if (!agentFlag.isEmpty()) {
            command.add(agentFlag);
        }
        command.addAll(List.of(hostSource().toString(), String.valueOf(runMillis)));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("OTEL_") || k.startsWith("LEAKWATCH_"));
        builder.environment().putAll(env);
        Path out = Files.createTempFile("host", ".out");
        Path err = Files.createTempFile("host", ".err");
        out.toFile().deleteOnExit();
        err.toFile().deleteOnExit();
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        return new Running(builder.start(), out, err, runMillis);
    }

    private HostJvm() {}
}
