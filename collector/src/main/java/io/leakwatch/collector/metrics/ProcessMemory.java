package io.leakwatch.collector.metrics;

import io.opentelemetry.api.metrics.Meter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * {@code process.memory.usage}: the resident set size of this process, read from
 * {@code /proc/self/status} ({@code VmRSS}) at each collection. RSS beyond heap and non-heap is where
 * native leaks (direct buffers, thread stacks, JNI) show. Registers nothing where the file is absent
 * (not Linux), and skips a point when it cannot be read.
 */
public final class ProcessMemory {
    static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMemory() {}

    public static List<AutoCloseable> registerObservers(Meter meter) {
        return registerObservers(meter, () -> readStatus(STATUS));
    }

    static List<AutoCloseable> registerObservers(Meter meter, Supplier<String> status) {
        if (residentBytes(status.get()).isEmpty()) {
            return List.of();
        }
        return List.of(meter.upDownCounterBuilder("process.memory.usage")
                .setDescription("The amount of physical memory in use (resident set size).")
                .setUnit("By")
                .buildWithCallback(measurement -> residentBytes(status.get()).ifPresent(measurement::record)));
    }

    /** The {@code VmRSS} line of a {@code /proc/<pid>/status} text, in bytes. */
    static OptionalLong residentBytes(String statusText) {
        if (statusText == null) {
            return OptionalLong.empty();
        }
        // one indexOf rather than splitting ~55 lines at every collection
        int at = statusText.startsWith("VmRSS:") ? 0 : statusText.indexOf("\nVmRSS:") + 1;
        if (at < 0 || (at == 0 && !statusText.startsWith("VmRSS:"))) {
            return OptionalLong.empty();
        }
        int end = statusText.indexOf('\n', at);
        String[] parts = statusText.substring(at + 6, end < 0 ? statusText.length() : end).trim().split("\\s+");
        try {
            long value = Long.parseLong(parts[0]);
            long unit = parts.length > 1 && parts[1].equalsIgnoreCase("kB") ? 1024 : 1;
            return OptionalLong.of(value * unit);
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static String readStatus(Path path) {
        try {
            return Files.readString(path, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
