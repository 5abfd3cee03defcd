package io.leakwatch.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * Measures what the collector agent costs its host. The same {@link AllocationWorkload} runs in fresh JVMs
 * without the agent (baseline) and with it in each configuration (variant), interleaved: every round runs the
 * baseline and each variant once, and every second round runs them in the reverse order (A B C | C B A | ...),
 * so a drift of the machine's speed hits all of them alike. The warm-up of each JVM (JIT, the agent's start) is
 * excluded. For each variant the harness divides its figure by the baseline's <em>of the same round</em>, and
 * prints the median of these per-round ratios with their min–max spread: when the spread is wider than the
 * effect, the run could not see it, and says so.
 *
 * <p>Variants (option {@code variants}, comma-separated):
 * <ul>
 *   <li>{@code off}: metrics only ({@code jfr.enabled=false}); target under 0.3%.</li>
 *   <li>{@code defaults}: the agent at its defaults (leak recording every 10 min, 60 s long). The first
 *       recording starts 10 min after the JVM, so a run shorter than that measures the time between recordings,
 *       which is 90% of a JVM's life at defaults.</li>
 *   <li>{@code aggressive}: a recording every {@code aggressive.interval} lasting {@code aggressive.duration}
 *       (default 15 s / 10 s, so every measured window holds a recording's end: the dump, the search for paths
 *       to GC roots, compression and sending): the recording's cost, magnified. From it and {@code defaults} the report
 *       projects an upper bound of the cost at the default period (the target: under 1%).</li>
 * </ul>
 * With {@code compare=<old agent jar>} every variant also runs with that jar ({@code before:...}), so a change
 * is measured against its predecessor in the same run.
 *
 * <p>Besides throughput and CPU per operation (both with the noise of the whole machine), each run reports the
 * CPU of the agent's own threads and the extra CPU of the JVM's JFR, GC, JIT and notification threads against
 * the baseline (from {@code /proc/self/task}), which is far less noisy; the bytes the agent's threads allocate;
 * the longest stall a ticker thread saw; the heap left after a full GC; the agent's threads; and the bytes it
 * ships per minute to an in-process OTLP receiver.
 *
 * <p>The workload is a stress case: about 5 GB/s of short-lived garbage per thread, so G1 runs tens of young
 * collections a second and every per-collection cost of the agent (its GC notification listener, the JDK's
 * building of each notification, and the roots the agent adds to every young collection: the mirrors of the
 * classes it loaded, which G1 scans with the class loader data at each one, and its threads' stacks) weighs far
 * more than in a typical service; per-tick costs weigh as in any JVM. The report's "GC per collection" lines tell
 * more collections from dearer ones.
 *
 * <p>Run after {@code ./mvnw -B -q -pl collector,benchmarks -am install -DskipTests}, on a quiet machine:
 * <pre>
 * java -cp benchmarks/target/classes io.leakwatch.bench.AgentOverheadBench \
 *     rounds=4 warmup=20 seconds=15 variants=off,defaults,aggressive
 * </pre>
 * That takes about 4 rounds x 4 JVMs x 36 s = 9.6 min (printed before it starts). The warm-up is long enough to
 * leave the agent's start (class loading, and the JIT compiling it) out: that is a one-off, not a running cost.
 * Options, with defaults: {@code rounds=4 warmup=20 seconds=15 threads=1 interval=10s variants=off,defaults,aggressive
 * aggressive.interval=15s aggressive.duration=10s heap=512m gc=G1 agent=collector/target/leakwatch-agent.jar
 * compare= work=0} (none). {@code work} is CPU work per request besides its allocations (see
 * {@link AllocationWorkload}): 0 is the stress case; {@code work=20000} is service-like (a few collections a
 * second), where per-collection costs weigh as they do in production. To measure the defaults including one real leak recording, give runs longer than the
 * recording period, e.g. {@code rounds=2 warmup=590 seconds=120 variants=defaults} (about 45 min).
 */
public final class AgentOverheadBench {
    static final String BASELINE = "baseline";

    /** One measured run of the workload. */
    record Sample(Map<String, Long> values, long shippedBytes, double seconds) {
        long get(String key) {
            return values.getOrDefault(key, 0L);
        }

        double ops() {
            return get("ops");
        }

        double cpuPerOp() {
            return (double) get("cpuNanos") / get("ops");
        }

        double allocatedPerOp() {
            return (double) get("allocatedBytes") / get("ops");
        }

        double measuredSeconds() {
            return measuredMinutes() * 60;
        }

        double measuredMinutes() {
            return Math.max(1e-9, values.getOrDefault("measureSeconds", 60L) / 60.0);
        }

        /** CPU of one thread group, ms per measured minute. */
        double cpuMsPerMinute(String group) {
            return get("cpu." + group) / 1e6 / measuredMinutes();
        }

        /** CPU of one thread group as a share of the workload's own CPU. */
        double cpuShareOfWorkload(String group) {
            return (double) get("cpu." + group) / Math.max(1, get("cpu.workload"));
        }
    }

    private AgentOverheadBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("rounds", "4");
        options.put("warmup", "20");
        options.put("seconds", "15");
        options.put("threads", "1");
        options.put("interval", "10s");
        options.put("variants", "off,defaults,aggressive");
        options.put("aggressive.interval", "15s");
        options.put("aggressive.duration", "10s");
        options.put("heap", "512m");
        options.put("gc", "G1");
        options.put("agent", "collector/target/leakwatch-agent.jar");
        options.put("compare", "");
        options.put("work", "0");
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0 || !options.containsKey(arg.substring(0, eq))) {
                throw new IllegalArgumentException("unknown argument " + arg + "; known: " + options.keySet());
            }
            options.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        Path agent = requireJar(options.get("agent"));
        Path compare = options.get("compare").isBlank() ? null : requireJar(options.get("compare"));
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
        String common = "service.name=bench,interval=" + options.get("interval") + ",otlp.endpoint=" + endpoint
                + "/v1/metrics";

        // name -> (jar, agent arguments); the baseline has neither
        Map<String, Variant> variants = new LinkedHashMap<>();
        variants.put(BASELINE, new Variant(null, null));
        for (String v : options.get("variants").split(",")) {
            String args0 = switch (v.strip()) {
                case "off" -> common + ",jfr.enabled=false";
                case "defaults" -> common;
                case "aggressive" -> common + ",jfr.enabled=true,jfr.interval=" + options.get("aggressive.interval")
                        + ",jfr.duration=" + options.get("aggressive.duration");
                default -> throw new IllegalArgumentException("unknown variant " + v + " (off, defaults, aggressive)");
            };
            variants.put(v.strip(), new Variant(agent, args0));
            if (compare != null) {
                variants.put("before:" + v.strip(), new Variant(compare, args0));
            }
        }

        long perRun = Long.parseLong(options.get("warmup")) + Long.parseLong(options.get("seconds")) + 1;
        System.out.printf(Locale.ROOT, "agent overhead: %d rounds x %d JVMs x (%s s warm-up + %s s measured), about"
                        + " %.1f min; %s workload thread(s) with work=%s per request, export interval %s, -Xmx%s -XX:+Use%sGC,"
                + " %d cores%n",
                rounds, variants.size(), options.get("warmup"), options.get("seconds"),
                rounds * variants.size() * perRun / 60.0, options.get("threads"), options.get("work"),
                options.get("interval"), options.get("heap"), options.get("gc"), Runtime.getRuntime().availableProcessors());
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        variants.keySet().forEach(name -> samples.put(name, new ArrayList<>()));
        for (int round = 0; round < rounds; round++) {
            List<String> order = new ArrayList<>(variants.keySet());
            if (round % 2 == 1) {
                Collections.reverse(order); // ABBA: a linear drift cancels out over two rounds
            }
            for (String name : order) {
                long before = received.get();
                Sample sample = run(variants.get(name), options, received, before);
                samples.get(name).add(sample);
                System.out.printf(Locale.ROOT, "  round %d %-20s ops=%,d cpu/op=%.0f ns agent cpu=%.0f ms/min"
                                + " jfr cpu=%.0f ms/min max stall=%.0f ms%n",
                        round + 1, name, (long) sample.ops(), sample.cpuPerOp(), sample.cpuMsPerMinute("agent"),
                        sample.cpuMsPerMinute("jfr"), sample.get("maxStallNanos") / 1e6);
            }
        }
        receiver.stop(0);
        report(samples, options);
    }

    private record Variant(Path jar, String agentArgs) {
    }

    private static Path requireJar(String path) {
        Path jar = Path.of(path);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("agent jar not found: " + jar + " (build the collector first)");
        }
        return jar;
    }

    private static Sample run(Variant variant, Map<String, String> options, AtomicLong received,
                              long receivedBefore) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + options.get("heap"),
                "-XX:+Use" + options.get("gc") + "GC"));
        if (variant.jar() != null) {
            command.add("-javaagent:" + variant.jar().toAbsolutePath() + "=" + variant.agentArgs());
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), AllocationWorkload.class.getName(),
                options.get("threads"), options.get("warmup"), options.get("seconds"), options.get("work")));
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
        values.put("measureSeconds", Long.parseLong(options.get("seconds")));
        return new Sample(values, received.get() - receivedBefore, seconds);
    }

    private static void report(Map<String, List<Sample>> samples, Map<String, String> options) {
        List<Sample> baseline = samples.get(BASELINE);
        System.out.println();
        System.out.println("Per-round ratios against the baseline of the same round: median [min - max]."
                + " Cost = 1 - throughput ratio, or cpu/op ratio - 1.");
        System.out.printf(Locale.ROOT, "%-20s %-26s %-26s %-22s%n", "variant", "throughput", "cpu/op", "alloc/op");
        for (Map.Entry<String, List<Sample>> entry : samples.entrySet()) {
            if (entry.getKey().equals(BASELINE)) {
                continue;
            }
            List<Sample> list = entry.getValue();
            System.out.printf(Locale.ROOT, "%-20s %-26s %-26s %-22s%n", entry.getKey(),
                    spread(ratios(list, baseline, Sample::ops)), spread(ratios(list, baseline, Sample::cpuPerOp)),
                    spread(ratios(list, baseline, Sample::allocatedPerOp)));
        }

        TreeSet<String> groups = new TreeSet<>();
        samples.values().forEach(l -> l.forEach(s -> s.values().keySet().stream()
                .filter(k -> k.startsWith("cpu.")).forEach(k -> groups.add(k.substring(4)))));
        groups.remove("workload");
        System.out.println();
        System.out.println("CPU by thread group, ms per measured minute (median; the agent's threads to the ns,"
                + " the JVM's from /proc schedstat in ns, or in 10 ms ticks where the kernel has none):");
        System.out.printf(Locale.ROOT, "%-20s", "variant");
        groups.forEach(g -> System.out.printf(Locale.ROOT, " %12s", g));
        System.out.printf(Locale.ROOT, " %12s%n", "workload");
        for (Map.Entry<String, List<Sample>> entry : samples.entrySet()) {
            System.out.printf(Locale.ROOT, "%-20s", entry.getKey());
            for (String g : groups) {
                System.out.printf(Locale.ROOT, " %12.0f", median(entry.getValue(), s -> s.cpuMsPerMinute(g)));
            }
            System.out.printf(Locale.ROOT, " %12.0f%n", median(entry.getValue(), s -> s.cpuMsPerMinute("workload")));
        }

        System.out.println();
        System.out.println("Direct cost: CPU of the agent's threads, plus the extra CPU of the JVM's threads, each as a"
                + " share of the workload's own CPU, against the baseline of the same round (so GC and JIT work scale");
        System.out.println("with the work done, whatever the machine's load). Median [min - max] over rounds, then the"
                + " median extra share per thread group:");
        List<String> direct = List.of("agent", "notification", "jfr", "gc", "jit", "vm");
        System.out.printf(Locale.ROOT, "%-20s %-26s", "variant", "direct CPU cost");
        direct.forEach(g -> System.out.printf(Locale.ROOT, " %12s", g));
        System.out.printf(Locale.ROOT, " %14s %9s %8s %9s %13s%n", "agent alloc", "heap", "threads", "max stall",
                "shipped");
        Map<String, Double> directMedian = new LinkedHashMap<>();
        for (Map.Entry<String, List<Sample>> entry : samples.entrySet()) {
            if (entry.getKey().equals(BASELINE)) {
                continue;
            }
            List<Sample> list = entry.getValue();
            int n = Math.min(list.size(), baseline.size());
            double[] total = new double[n];
            Map<String, double[]> byGroup = new LinkedHashMap<>();
            direct.forEach(g -> byGroup.put(g, new double[n]));
            for (int i = 0; i < n; i++) {
                Sample s = list.get(i);
                Sample b = baseline.get(i);
                for (String g : direct) {
                    double extra = s.cpuShareOfWorkload(g) - b.cpuShareOfWorkload(g);
                    byGroup.get(g)[i] = extra;
                    total[i] += extra;
                }
            }
            directMedian.put(entry.getKey(), median(total));
            System.out.printf(Locale.ROOT, "%-20s %-26s", entry.getKey(), spreadPercent(total));
            direct.forEach(g -> System.out.printf(Locale.ROOT, " %11.3f%%", median(byGroup.get(g)) * 100));
            System.out.printf(Locale.ROOT, " %7.1f MB/min %+6.1f MB %8.0f %6.0f ms %8.1f KB/min%n",
                    median(list, s -> s.get("agentAllocatedBytes") / 1e6 / s.measuredMinutes()),
                    median(list, s -> s.get("heapAfterGc")) / 1e6 - median(baseline, s -> s.get("heapAfterGc")) / 1e6,
                    median(list, s -> s.get("agentThreads")), median(list, s -> s.get("maxStallNanos")) / 1e6,
                    median(list, s -> s.shippedBytes() / (s.seconds() / 60)) / 1024);
        }
        System.out.printf(Locale.ROOT, "%-20s max stall %.0f ms; workload: %.0f MB/s allocated, %.1f collections/s%n",
                BASELINE, median(baseline, s -> s.get("maxStallNanos")) / 1e6,
                median(baseline, s -> s.get("allocatedBytes") / 1e6 / s.measuredSeconds()),
                median(baseline, s -> s.get("collections") / s.measuredSeconds()));
        // An agent's cost in GC threads is either more collections per operation or more CPU per collection: the
        // second is the roots it adds to every young collection (its classes' mirrors, its threads' stacks).
        System.out.println("GC per collection (median): collections per million operations, GC threads' CPU per"
                + " collection");
        for (Map.Entry<String, List<Sample>> entry : samples.entrySet()) {
            System.out.printf(Locale.ROOT, "%-20s %8.2f /Mop %8.3f ms%n", entry.getKey(),
                    median(entry.getValue(), s -> s.get("collections") * 1e6 / Math.max(1, s.get("ops"))),
                    median(entry.getValue(), s -> s.get("cpu.gc") / 1e6 / Math.max(1, s.get("collections"))));
        }

        for (String prefix : List.of("", "before:")) {
            Double between = directMedian.get(prefix + "defaults");
            Double aggressive = directMedian.get(prefix + "aggressive");
            if (between != null && aggressive != null) {
                double ai = seconds(options.get("aggressive.interval"));
                double ad = seconds(options.get("aggressive.duration"));
                // At defaults: (60 s of recording + one dump) per 600 s. The aggressive run pays (ad s + one dump)
                // per ai s, so the recording's extra cost at defaults is at most max(60/ad, 1) * ai / 600 of it.
                double factor = Math.max(60.0 / ad, 1.0) * ai / 600.0;
                double projected = between + Math.max(0, aggressive - between) * factor;
                System.out.printf(Locale.ROOT, "%sprojected direct CPU cost at the default period (10 min / 60 s),"
                                + " upper bound: %.3f%% (between recordings %.3f%% + %.3f x the aggressive extra)%n",
                        prefix, projected * 100, between * 100, factor);
            }
        }
        System.out.println("(heap: retained after a full GC, against the baseline; threads: the agent's live threads;"
                + " machine noise shows in the spreads: a ratio whose spread covers 1.0 is not a measured cost)");
    }

    /** Per-round ratio of a figure against the baseline of the same round. */
    private static double[] ratios(List<Sample> variant, List<Sample> baseline, ToDoubleFunction<Sample> figure) {
        int n = Math.min(variant.size(), baseline.size());
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = figure.applyAsDouble(variant.get(i)) / figure.applyAsDouble(baseline.get(i));
        }
        return out;
    }

    private static String spread(double[] ratios) {
        double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "%.4fx [%.4f - %.4f]", median(sorted), sorted[0], sorted[sorted.length - 1]);
    }

    private static String spreadPercent(double[] shares) {
        double[] sorted = shares.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "%.3f%% [%.3f - %.3f]", median(sorted) * 100, sorted[0] * 100,
                sorted[sorted.length - 1] * 100);
    }

    private static double median(List<Sample> samples, ToDoubleFunction<Sample> figure) {
        return median(samples.stream().mapToDouble(figure).toArray());
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static double seconds(String duration) {
        String d = duration.strip().toLowerCase(Locale.ROOT);
        if (d.endsWith("ms")) {
            return Double.parseDouble(d.substring(0, d.length() - 2)) / 1000;
        }
        double unit = switch (d.charAt(d.length() - 1)) {
            case 's' -> 1;
            case 'm' -> 60;
            case 'h' -> 3600;
            default -> throw new IllegalArgumentException("duration " + duration + ": use s, m or h");
        };
        return Double.parseDouble(d.substring(0, d.length() - 1)) * unit;
    }
}
