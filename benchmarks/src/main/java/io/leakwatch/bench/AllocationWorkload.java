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
 * The host program of {@link AgentOverheadBench}: request-like, allocation-heavy work on a fixed
 * number of threads for a fixed time, then one line of figures on stdout ({@code RESULT k=v ...}).
 * Args: {@code threads warmupSeconds measureSeconds}.
 */
public final class AllocationWorkload {
    private static volatile long sink;

    private AllocationWorkload() {
    }

    public static void main(String[] args) throws InterruptedException {
        int threads = Integer.parseInt(args[0]);
        long warmupNanos = Long.parseLong(args[1]) * 1_000_000_000L;
        long measureNanos = Long.parseLong(args[2]) * 1_000_000_000L;
        LongAdder ops = new LongAdder();
        long[] allocatedAtStart = new long[threads];
        long[] allocatedAtEnd = new long[threads];
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
                    }
                    if (now >= measureTo) {
                        allocatedAtEnd[index] = threadBean.getCurrentThreadAllocatedBytes();
                        return;
                    }
                    sink += serveRequest(now);
                    if (measuring) {
                        ops.increment();
                    }
                }
            }, "workload-" + i);
            workers.add(worker);
        }
        long cpuBefore = 0;
        workers.forEach(Thread::start);
        Thread.sleep(Math.max(0, (measureFrom - System.nanoTime()) / 1_000_000));
        cpuBefore = processCpuNanos();
        for (Thread worker : workers) {
            worker.join();
        }
        long cpuAfter = processCpuNanos();

        long allocated = 0;
        for (int i = 0; i < threads; i++) {
            allocated += allocatedAtEnd[i] - allocatedAtStart[i];
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long heapAfterGc = memory.getHeapMemoryUsage().getUsed();
        long agentThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("leakwatch") || t.getName().startsWith("HttpClient"))
                .count();
        System.out.printf(Locale.ROOT, "RESULT ops=%d cpuNanos=%d allocatedBytes=%d heapAfterGc=%d agentThreads=%d%n",
                ops.sum(), cpuAfter - cpuBefore, allocated, heapAfterGc, agentThreads);
        System.exit(0);
    }

    private static long serveRequest(long seed) {
        Map<String, Object> request = new HashMap<>();
        for (int i = 0; i < 16; i++) {
            request.put("header-" + i, "value-" + (seed + i));
        }
        byte[] body = new byte[2048];
        body[(int) (seed & 2047)] = 1;
        request.put("body", body);
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
