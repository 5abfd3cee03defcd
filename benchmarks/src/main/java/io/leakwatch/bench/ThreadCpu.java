package io.leakwatch.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * CPU so far of this process's threads, summed per group of thread names, from {@code /proc/self/task}: native
 * threads (the embedded engine's) included, which the JVM's thread bean does not see. Threads that ended between
 * two readings take their CPU with them, so groups are meant for pooled threads.
 */
public final class ThreadCpu {
    private static final long NANOS_PER_TICK = 10_000_000L;

    private ThreadCpu() {
    }

    /** CPU nanoseconds per group ({@code group} maps a thread's name to its group); empty off Linux. */
    public static Map<String, Long> byGroup(UnaryOperator<String> group) {
        Map<String, Long> out = new TreeMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    String comm = Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).strip();
                    out.merge(group.apply(comm), taskCpuNanos(task), Long::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended while we looked
                }
            }
        } catch (IOException | RuntimeException e) {
            return new TreeMap<>();
        }
        return out;
    }

    /** {@code after - before} per group, groups missing before counting from zero. */
    public static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> out = new TreeMap<>();
        after.forEach((g, v) -> out.put(g, v - before.getOrDefault(g, 0L)));
        return out;
    }

    /**
     * CPU so far of one task: from {@code schedstat} (time on CPU, in ns) where the kernel keeps it, else from
     * {@code stat} (user + system, in 10 ms ticks, too coarse for short windows).
     */
    private static long taskCpuNanos(Path task) throws IOException {
        try {
            String schedstat = Files.readString(task.resolve("schedstat"), StandardCharsets.US_ASCII).strip();
            int space = schedstat.indexOf(' ');
            return Long.parseLong(space < 0 ? schedstat : schedstat.substring(0, space));
        } catch (IOException | RuntimeException e) {
            String stat = Files.readString(task.resolve("stat"), StandardCharsets.UTF_8);
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": field 0 is the state, utime and stime are fields 11 and 12
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * NANOS_PER_TICK;
        }
    }
}
