package io.leakwatch.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The host program of {@link AgentOverheadBench}: request-like, allocation-heavy work on a fixed number of
 * threads for a fixed time, then one line of figures on stdout ({@code RESULT k=v ...}). Only the measured
 * window counts; the warm-up (JIT, the agent's own start) is excluded from every figure.
 *
 * <p>Besides throughput, process CPU and allocation, it reports where the CPU of the window went, per group
 * of threads ({@code cpu.<group>=nanos}: the agent's own threads, JFR's, GC, JIT, the JMX notification
 * thread that runs GC listeners, the workload), read from {@code /proc/self/task} so the JVM's internal
 * threads count too ({@code schedstat}, in ns, where the kernel has it; else {@code stat}, in 10 ms ticks); the bytes the agent's threads allocated; the longest stall a 10 ms ticker saw (a
 * safepoint pause such as JFR's path-to-GC-roots search shows there); and the heap left after a full GC.
 * Args: {@code threads warmupSeconds measureSeconds [work]}: {@code work} is the CPU work per request
 * besides its allocations (iterations of a hash over the request body; 0, the default, is the stress case
 * where a request is nothing but allocation; about 20,000 gives a service-like ~100–200 MB/s per thread).
 */
public final class AllocationWorkload {
    /** Linux's USER_HZ; {@code /proc} times are in these ticks. */
    private static volatile long sink;
    private static volatile long maxStallNanos;
    private static volatile boolean measuringStalls;

    private AllocationWorkload() {
    }

    public static void main(String[] args) throws InterruptedException {
        int threads = Integer.parseInt(args[0]);
        long warmupNanos = Long.parseLong(args[1]) * 1_000_000_000L;
        long measureNanos = Long.parseLong(args[2]) * 1_000_000_000L;
        int work = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        LongAdder ops = new LongAdder();
        long[] allocatedAtStart = new long[threads];
        long[] allocatedAtEnd = new long[threads];
        long[] cpuAtStart = new long[threads];
        long[] cpuAtEnd = new long[threads];
        com.sun.management.ThreadMXBean threadBean =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

        long start = System.nanoTime();
        long measureFrom = start + warmupNanos;
        long measureTo = measureFrom + measureNanos;
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int index = i;
            Thread worker = new Thread(() -> {
                boolean measuring = false;
                while (true) {
                    long now = System.nanoTime();
                    if (!measuring && now >= measureFrom) {
                        measuring = true;
                        allocatedAtStart[index] = threadBean.getCurrentThreadAllocatedBytes();
                        cpuAtStart[index] = threadBean.getCurrentThreadCpuTime();
                    }
                    if (now >= measureTo) {
                        allocatedAtEnd[index] = threadBean.getCurrentThreadAllocatedBytes();
                        cpuAtEnd[index] = threadBean.getCurrentThreadCpuTime();
                        return;
                    }
                    sink += serveRequest(now, work);
                    if (measuring) {
                        ops.increment();
                    }
                }
            }, "workload-" + i);
            workers.add(worker);
        }
        Thread ticker = new Thread(AllocationWorkload::tick, "stall-ticker");
        ticker.setDaemon(true);
        ticker.start();
        workers.forEach(Thread::start);
        Thread.sleep(Math.max(0, (measureFrom - System.nanoTime()) / 1_000_000));
        long cpuBefore = processCpuNanos();
        Map<String, Long> groupsBefore = ThreadCpu.byGroup(AllocationWorkload::group);
        long agentAllocatedBefore = agentAllocatedBytes(threadBean);
        Map<Long, Long> agentCpuBefore = agentCpuNanos(threadBean);
        long collectionsBefore = collections();
        measuringStalls = true;
        for (Thread worker : workers) {
            worker.join();
        }
        measuringStalls = false;
        long cpuAfter = processCpuNanos();
        Map<String, Long> groupsAfter = ThreadCpu.byGroup(AllocationWorkload::group);
        long agentAllocatedAfter = agentAllocatedBytes(threadBean);
        Map<Long, Long> agentCpuAfter = agentCpuNanos(threadBean);
        long collectionsInWindow = collections() - collectionsBefore;

        long allocated = 0;
        long workloadCpu = 0;
        for (int i = 0; i < threads; i++) {
            allocated += allocatedAtEnd[i] - allocatedAtStart[i];
            workloadCpu += cpuAtEnd[i] - cpuAtStart[i];
        }
        // the workers have ended by now, so /proc no longer lists them: their own clocks are exact anyway
        groupsAfter.put("workload", groupsBefore.getOrDefault("workload", 0L) + workloadCpu);
        // the agent's Java threads to the nanosecond rather than in 10 ms ticks (threads that ended are missed)
        long agentCpu = 0;
        for (Map.Entry<Long, Long> e : agentCpuAfter.entrySet()) {
            agentCpu += Math.max(0, e.getValue() - agentCpuBefore.getOrDefault(e.getKey(), 0L));
        }
        groupsAfter.put("agent", groupsBefore.getOrDefault("agent", 0L) + agentCpu);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long heapAfterGc = memory.getHeapMemoryUsage().getUsed();
        long agentThreads = Thread.getAllStackTraces().keySet().stream().filter(t -> isAgentThread(t.getName())).count();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "RESULT ops=%d cpuNanos=%d allocatedBytes=%d heapAfterGc=%d agentThreads=%d agentAllocatedBytes=%d"
                        + " maxStallNanos=%d collections=%d",
                ops.sum(), cpuAfter - cpuBefore, allocated, heapAfterGc, agentThreads,
                Math.max(0, agentAllocatedAfter - agentAllocatedBefore), maxStallNanos, collectionsInWindow));
        for (Map.Entry<String, Long> e : groupsAfter.entrySet()) {
            long delta = e.getValue() - groupsBefore.getOrDefault(e.getKey(), 0L);
            line.append(" cpu.").append(e.getKey()).append('=').append(Math.max(0, delta));
        }
        System.out.println(line);
        System.exit(0);
    }

    /** Sleeps 10 ms at a time; anything beyond that is a stall this thread saw (safepoint, descheduling). */
    private static void tick() {
        while (true) {
            long before = System.nanoTime();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
            long stall = System.nanoTime() - before - 10_000_000L;
            if (measuringStalls && stall > maxStallNanos) {
                maxStallNanos = stall;
            }
        }
    }

    static boolean isAgentThread(String name) {
        return name.startsWith("leakwatch") || name.startsWith("HttpClient") || name.startsWith("kafka-producer");
    }

    /** The group a native thread name (at most 15 characters, as {@code comm} gives it) belongs to. */
    static String group(String comm) {
        if (comm.startsWith("workload-")) {
            return "workload";
        }
        if (isAgentThread(comm)) {
            return "agent";
        }
        if (comm.startsWith("JFR") || comm.startsWith("Jfr")) {
            return "jfr";
        }
        if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
            return "jit";
        }
        if (comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.startsWith("VM Periodic")) {
            return "gc";
        }
        if (comm.startsWith("VM Thread")) {
            return "vm";
        }
        if (comm.startsWith("Notification") || comm.startsWith("Service Thread")) {
            return "notification";
        }
        return "other";
    }

    /** CPU so far of each live agent thread, by thread id. */
    private static Map<Long, Long> agentCpuNanos(com.sun.management.ThreadMXBean threadBean) {
        Map<Long, Long> out = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (isAgentThread(t.getName())) {
                out.put(t.threadId(), Math.max(0, threadBean.getThreadCpuTime(t.threadId())));
            }
        }
        return out;
    }

    /** Bytes allocated so far by the agent's live threads (threads that ended are not counted). */
    private static long agentAllocatedBytes(com.sun.management.ThreadMXBean threadBean) {
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (isAgentThread(t.getName())) {
                long bytes = threadBean.getThreadAllocatedBytes(t.threadId());
                sum += Math.max(0, bytes);
            }
        }
        return sum;
    }

    /** Garbage collections so far, all collectors. */
    private static long collections() {
        long sum = 0;
        for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0, gc.getCollectionCount());
        }
        return sum;
    }

    private static long serveRequest(long seed, int work) {
        Map<String, Object> request = new HashMap<>();
        for (int i = 0; i < 16; i++) {
            request.put("header-" + i, "value-" + (seed + i));
        }
        byte[] body = new byte[2048];
        body[(int) (seed & 2047)] = 1;
        request.put("body", body);
        long hash = seed;
        for (int i = 0; i < work; i++) {
            hash = hash * 31 + body[i & 2047] + i; // a dependent chain: neither vectorised nor removed
        }
        request.put("hash", hash);
        StringBuilder response = new StringBuilder();
        for (Map.Entry<String, Object> entry : request.entrySet()) {
            response.append(entry.getKey()).append('=').append(entry.getValue()).append(';');
        }
        return response.length();
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
