package io.leakwatch.store.bench;

import io.leakwatch.store.ChdbLibrary;
import io.leakwatch.store.MetricKind;
import io.leakwatch.store.MetricRow;
import io.leakwatch.store.Store;
import io.leakwatch.store.StoreConfig;
import io.leakwatch.store.engine.ChdbEngine;
import io.leakwatch.store.http.EmbeddedHttpInterface;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Rows/s of {@code MetricWriter.write} in embedded mode (RowBinary through chDB's streaming insert) and in
 * server mode (client-v2 over the embedded HTTP interface), same process, same data directory.
 * Run: {@code java --enable-native-access=ALL-UNNAMED -cp <test classpath> io.leakwatch.store.bench.InsertBenchmark [rows] [batch]}.
 */
public final class InsertBenchmark {
    private InsertBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        Path dir = Files.createTempDirectory("leakwatch-bench");
        long now = System.currentTimeMillis() - 3_600_000;
        try (Store embedded = Store.open(StoreConfig.embedded(dir, ChdbLibrary.locate()));
             EmbeddedHttpInterface http = EmbeddedHttpInterface.start((ChdbEngine) embedded.engine(), 0);
             Store server = Store.open(StoreConfig.server("http://127.0.0.1:" + http.port(), "default", "", "default"))) {
            List<List<MetricRow>> batches = batches(rows, batch, now);
            run("warm-up embedded", embedded, batches.subList(0, Math.min(3, batches.size())), "w");
            run("embedded (chDB, RowBinary stream insert)", embedded, batches, "e");
            run("server mode (client-v2 -> HTTP interface)", server, batches, "s");
        }
    }

    private static void run(String label, Store store, List<List<MetricRow>> batches, String tokenPrefix) {
        long rows = batches.stream().mapToLong(List::size).sum();
        long start = System.nanoTime();
        int i = 0;
        for (List<MetricRow> b : batches) {
            store.writer().write(b, tokenPrefix + "-" + i++);
        }
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.printf("%-45s %,10d rows in %6.2f s = %,12.0f rows/s%n", label, rows, secs, rows / secs);
    }

    private static List<List<MetricRow>> batches(int rows, int batch, long start) {
        List<List<MetricRow>> out = new ArrayList<>();
        List<MetricRow> current = new ArrayList<>();
        String[] pools = {"G1 Old Gen", "G1 Eden Space", "G1 Survivor Space", "Metaspace", "CodeHeap 'non-nmethods'"};
        for (int i = 0; i < rows; i++) {
            String instance = "instance-" + (i % 50);
            String pool = pools[i % pools.length];
            current.add(new MetricRow(start + i, start - 60_000, "service-" + (i % 5), "1.2.3", instance, "host-" + (i % 50),
                    "prod", Map.of("service.name", "service-" + (i % 5), "service.instance.id", instance),
                    "jvm.memory.used", "By", MetricKind.GAUGE, false, false,
                    Map.of("jvm.memory.type", "heap", "jvm.memory.pool.name", pool), 1e8 + i * 17.0, 0,
                    Double.NaN, Double.NaN, List.of(), List.of()));
            if (current.size() == batch) {
                out.add(current);
                current = new ArrayList<>();
            }
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }
}
