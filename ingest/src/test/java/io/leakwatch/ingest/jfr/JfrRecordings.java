package io.leakwatch.ingest.jfr;

import io.leakwatch.wire.JfrCompression;
import io.leakwatch.wire.JfrEnvelope;
import io.leakwatch.wire.JfrEnvelopeCodec;
import jdk.jfr.Recording;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Real JFR recordings made in the test JVM: a leak into a static map, or garbage only. */
final class JfrRecordings {
    /** What the leak holds on to: a static field, the holder attribution must name. */
    static final Map<Integer, LeakedSession> SESSIONS = new HashMap<>();

    /** A leaked object with a payload, so its share of the heap is large enough to be sampled. */
    record LeakedSession(int id, byte[] payload) {
    }

    private JfrRecordings() {
    }

    /** Records while {@code workload} runs; returns the gzip-compressed envelope of the recording. */
    static byte[] envelope(String instance, Path dir, Runnable workload) throws IOException {
        Path file = Files.createTempFile(dir, "rec-", ".jfr");
        long start;
        long end;
        try (Recording r = new Recording()) {
            r.enable("jdk.OldObjectSample").withStackTrace().with("cutoff", "infinity");
            r.enable("jdk.ObjectAllocationSample").withStackTrace().with("throttle", "150/s");
            r.enable("jdk.GarbageCollection");
            r.enable("jdk.GCHeapSummary");
            start = System.currentTimeMillis();
            r.start();
            workload.run();
            System.gc(); // samples of objects that died are dropped at a collection
            r.stop();
            end = System.currentTimeMillis();
            r.dump(file);
        }
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            Files.copy(file, out);
        }
        Files.delete(file);
        return JfrEnvelopeCodec.encode(new JfrEnvelope(Map.of(JfrEnvelope.SERVICE_NAME, "shop",
                JfrEnvelope.SERVICE_VERSION, "1.5.0", JfrEnvelope.SERVICE_INSTANCE_ID, instance,
                JfrEnvelope.HOST_NAME, "test-host"), start, end, JfrCompression.GZIP, gz.toByteArray()));
    }

    /** Leaks {@code count} sessions of 2 KiB into {@link #SESSIONS}, with garbage in between. */
    static void leak(int count) {
        List<byte[]> garbage = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SESSIONS.put(SESSIONS.size(), new LeakedSession(i, new byte[2048]));
            garbage.add(new byte[512]);
            if (garbage.size() > 1000) {
                garbage.clear();
            }
        }
    }

    /** Allocates and drops {@code megabytes} of short-lived arrays. */
    static long churn(int megabytes) {
        long sum = 0;
        for (int i = 0; i < megabytes * 512; i++) {
            byte[] b = new byte[2048];
            sum += b.length;
        }
        return sum;
    }
}
