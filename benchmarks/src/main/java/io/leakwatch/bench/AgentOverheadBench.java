package io.leakwatch.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures what the collector agent costs its host: the same {@link AllocationWorkload} runs without
 * the agent and with it, alternating, for several rounds in one run, and the harness prints each
 * variant's medians as ratios against the baseline of the same run. The agent ships to an in-process
 * receiver that counts the bytes.
 *
 * <p>Run after a build: {@code java -cp benchmarks/target/classes io.leakwatch.bench.AgentOverheadBench
 * [rounds=5] [seconds=30] [warmup=10] [threads=1] [interval=10s] [agent=collector/target/leakwatch-agent.jar]}.
 */
public final class AgentOverheadBench {

    /** One measured run of the workload. */
    record Sample(long ops, long cpuNanos, long allocatedBytes, long heapAfterGc, long agentThreads,
                  long shippedBytes, double seconds) {
        double cpuPerOp() {
            return (double) cpuNanos / ops;
        }

        double allocatedPerOp() {
            return (double) allocatedBytes / ops;
        }
    }

    private AgentOverheadBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>(Map.of(
                "rounds", "5", "seconds", "30", "warmup", "10", "threads", "1", "interval", "10s",
                "agent", "collector/target/leakwatch-agent.jar"));
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0 || !options.containsKey(arg.substring(0, eq))) {
                throw new IllegalArgumentException("unknown argument " + arg + "; known: " + options.keySet());
            }
            options.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        Path agent = Path.of(options.get("agent"));
        if (!Files.isRegularFile(agent)) {
            throw new IllegalArgumentException("agent jar not found: " + agent + " (./leakwatch build)");
        }
        int rounds = Integer.parseInt(options.get("rounds"));

        AtomicLong received = new AtomicLong();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                received.addAndGet(body.readAllBytes().length);
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        String endpoint = "http://127.0.0.1:" + receiver.getAddress().getPort();
        String common = "service.name=bench,interval=" + options.get("interval") + ",otlp.endpoint=" + endpoint;

        Map<String, String> variants = new LinkedHashMap<>();
        variants.put("baseline", null);
        variants.put("agent, leak recordings off", common + ",jfr.enabled=false");
        // A recording every 30 s (10 s long) is far denser than the default (every 10 min): a pessimistic figure.
        variants.put("agent, leak recordings on", common + ",jfr.enabled=true,jfr.interval=30s,jfr.duration=10s");

        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        variants.keySet().forEach(name -> samples.put(name, new ArrayList<>()));
        System.out.printf(Locale.ROOT, "agent overhead: %d rounds x %s s (+%s s warm-up), %s workload thread(s), "
                + "export interval %s; %d cores%n", rounds, options.get("seconds"), options.get("warmup"),
                options.get("threads"), options.get("interval"), Runtime.getRuntime().availableProcessors());
        for (int round = 0; round < rounds; round++) {
            List<String> order = new ArrayList<>(variants.keySet());
            if (round % 2 == 1) {
                java.util.Collections.reverse(order); // alternate the order so drift hits every variant alike
            }
            for (String name : order) {
                long before = received.get();
                Sample sample = run(variants.get(name), agent, options, received, before);
                samples.get(name).add(sample);
                System.out.printf(Locale.ROOT, "  round %d %-28s ops=%,d cpu/op=%.0f ns alloc/op=%.0f B%n",
                        round + 1, name, sample.ops(), sample.cpuPerOp(), sample.allocatedPerOp());
            }
        }
        receiver.stop(0);
        report(samples);
    }

    private static Sample run(String agentArgs, Path agent, Map<String, String> options, AtomicLong received,
                              long receivedBefore) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-XX:+UseG1GC"));
        if (agentArgs != null) {
            command.add("-javaagent:" + agent.toAbsolutePath() + "=" + agentArgs);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), AllocationWorkload.class.getName(),
                options.get("threads"), options.get("warmup"), options.get("seconds")));
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        double seconds = (System.nanoTime() - started) / 1e9;
        String result = output.lines().filter(line -> line.startsWith("RESULT ")).findFirst()
                .orElseThrow(() -> new IllegalStateException("workload failed (exit " + exit + "):\n" + output));
        Map<String, Long> values = new LinkedHashMap<>();
        for (String pair : result.substring("RESULT ".length()).split(" ")) {
            String[] kv = pair.split("=");
            values.put(kv[0], Long.parseLong(kv[1]));
        }
        return new Sample(values.get("ops"), values.get("cpuNanos"), values.get("allocatedBytes"),
                values.get("heapAfterGc"), values.get("agentThreads"), received.get() - receivedBefore, seconds);
    }

    private static void report(Map<String, List<Sample>> samples) {
        List<Sample> baseline = samples.get("baseline");
        double baseOps = median(baseline.stream().mapToDouble(Sample::ops).toArray());
        double baseCpu = median(baseline.stream().mapToDouble(Sample::cpuPerOp).toArray());
        double baseAlloc = median(baseline.stream().mapToDouble(Sample::allocatedPerOp).toArray());
        double baseHeap = median(baseline.stream().mapToDouble(Sample::heapAfterGc).toArray());
        System.out.println();
        System.out.printf(Locale.ROOT, "%-28s %11s %11s %11s %13s %8s %12s%n", "variant (medians)",
                "throughput", "cpu/op", "alloc/op", "heap after GC", "threads", "shipped/min");
        for (Map.Entry<String, List<Sample>> entry : samples.entrySet()) {
            List<Sample> list = entry.getValue();
            double ops = median(list.stream().mapToDouble(Sample::ops).toArray());
            double cpu = median(list.stream().mapToDouble(Sample::cpuPerOp).toArray());
            double alloc = median(list.stream().mapToDouble(Sample::allocatedPerOp).toArray());
            double heap = median(list.stream().mapToDouble(Sample::heapAfterGc).toArray());
            double threads = median(list.stream().mapToDouble(Sample::agentThreads).toArray());
            double perMinute = median(list.stream().mapToDouble(s -> s.shippedBytes() / (s.seconds() / 60)).toArray());
            System.out.printf(Locale.ROOT, "%-28s %10.4fx %10.4fx %10.4fx %+10.1f MB %8.0f %9.1f KB%n",
                    entry.getKey(), ops / baseOps, cpu / baseCpu, alloc / baseAlloc, (heap - baseHeap) / 1e6,
                    threads, perMinute / 1024);
        }
        System.out.println("(ratios against the baseline of this run; heap after GC is the agent's retained heap)");
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
