package io.leakwatch.standalone;

import io.leakwatch.demo.DemoService;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the demo fleet: child JVMs of {@link DemoService} with the collector agent attached, sending
 * OTLP/HTTP to this standalone. {@link #close()} stops every child it started.
 */
final class DemoFleet implements AutoCloseable {

    /** One demo process: its identity and how fast it leaks (0 = healthy). */
    record Member(String service, String version, String instanceId, int leakKbPerSecond) {
    }

    /** The default fleet: one service version that leaks and one healthy service beside it. */
    static List<Member> defaultFleet(int leakKbPerSecond) {
        return List.of(
                new Member("checkout", "1.5.0", "checkout-1", leakKbPerSecond),
                new Member("gateway", "2.1.0", "gateway-1", 0));
    }

    private final List<Process> processes = new ArrayList<>();

    private DemoFleet() {
    }

    static DemoFleet start(List<Member> members, Path agentJar, int otlpPort, Path logDir) throws IOException {
        if (!Files.isRegularFile(agentJar)) {
            throw new IllegalArgumentException("agent jar not found: " + agentJar
                    + " (build it with ./leakwatch build, or pass --agent-jar)");
        }
        Files.createDirectories(logDir);
        DemoFleet fleet = new DemoFleet();
        try {
            for (Member member : members) {
                fleet.processes.add(launch(member, agentJar, otlpPort, logDir));
            }
        } catch (IOException | RuntimeException e) {
            fleet.close();
            throw e;
        }
        return fleet;
    }

    private static Process launch(Member member, Path agentJar, int otlpPort, Path logDir) throws IOException {
        String agentArgs = String.join(",",
                "service.name=" + member.service(),
                "service.version=" + member.version(),
                "instance.id=" + member.instanceId(),
                "environment=demo",
                "interval=5s",
                "otlp.endpoint=http://127.0.0.1:" + otlpPort);
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseG1GC",
                "-javaagent:" + agentJar.toAbsolutePath() + "=" + agentArgs,
                "-cp", demoClasspath(),
                DemoService.class.getName(),
                "leak-kb-per-s=" + member.leakKbPerSecond());
        Path log = logDir.resolve(member.instanceId() + ".log");
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    private static String demoClasspath() {
        try {
            return Path.of(DemoService.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the demo workloads jar", e);
        }
    }

    int size() {
        return processes.size();
    }

    List<ProcessHandle> handles() {
        return processes.stream().map(Process::toHandle).toList();
    }

    @Override
    public void close() {
        for (Process process : processes) {
            process.destroy();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (Process process : processes) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!process.waitFor(left, TimeUnit.NANOSECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        processes.clear();
    }
}
