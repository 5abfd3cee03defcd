package io.leakwatch.collector.jfr;

import io.leakwatch.collector.AgentLog;
import io.leakwatch.collector.DaemonThreads;
import io.leakwatch.collector.config.CollectorConfig;
import io.leakwatch.wire.JfrCompression;
import io.leakwatch.wire.JfrEnvelope;
import io.leakwatch.wire.JfrEnvelopeCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.zip.GZIPOutputStream;
import jdk.jfr.Recording;

/**
 * The periodic leak recordings: every {@code jfr.interval} a {@link Recording} of {@code jfr.duration} with
 * {@code jdk.OldObjectSample} (stack traces, path to GC roots searched for at most {@value #CUTOFF}),
 * {@code jdk.ObjectAllocationSample} (throttled to {@value #ALLOCATION_THROTTLE}) and the GC summaries; dumped
 * to a temporary file, gzip-compressed, wrapped in a {@link JfrEnvelope} and handed to a {@link JfrDeliveryQueue},
 * which retries a failed delivery with a capped, jittered backoff on the same thread.
 *
 * <p>Promises: everything runs on one daemon thread, {@code leakwatch-jfr}, scheduled (no sleeping); one
 * recording at a time; a compressed recording over {@code jfr.max.bytes} is dropped and counted
 * ({@link #droppedOversize()}), as is one that could not be made ({@link #droppedFailed()}), one that the delivery
 * queue had to drop to stay within its bounds ({@link #droppedQueueFull()}: at most
 * {@value JfrDeliveryQueue#DEFAULT_MAX_ENVELOPES} recordings and {@code jfr.max.bytes} wait) and one the
 * destination refused for good ({@link #droppedRejected()}); temporary
 * files are deleted; no Throwable escapes; {@link #close()} stops a running recording and is idempotent.
 * Only constructed when {@link JfrFeatures} says JFR is there; JFR itself is first touched by the first recording,
 * which confirms the features from its event types ({@link #features()}) and, should the old-object event be
 * missing, ends the recordings. Until then JFR costs the host nothing: no recorder, no threads, no event metadata.
 */
public final class LeakRecorder implements AutoCloseable {
    static final String CUTOFF = "1 s";
    static final String ALLOCATION_THROTTLE = "150/s";
    /** Bound on the recording's own disk use; old-object recordings are far smaller. */
    static final long MAX_RECORDING_DISK_BYTES = 256L * 1024 * 1024;

    private final CollectorConfig.JfrSettings settings;
    private volatile JfrFeatures features; // confirmed by the first recording, on the leakwatch-jfr thread
    private final Map<String, String> resource;
    private final JfrSender sender;
    private final ScheduledExecutorService thread;
    private final JfrDeliveryQueue delivery;
    private final AtomicLong droppedOversize = new AtomicLong();
    private final AtomicLong droppedFailed = new AtomicLong();
    private final AtomicLong lastCompressedBytes = new AtomicLong(-1);
    private Recording active; // only touched on the leakwatch-jfr thread
    private boolean failing; // likewise
    private volatile boolean closed;

    private LeakRecorder(CollectorConfig.JfrSettings settings, JfrFeatures features, Map<String, String> resource,
            JfrSender sender, Duration firstBackoff, Duration maxBackoff) {
        this.settings = settings;
        this.features = features;
        this.resource = bounded(resource);
        this.sender = sender;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, new DaemonThreads("leakwatch-jfr"));
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.thread = executor;
        // An envelope is its payload plus at most the resource attributes and a small header.
        long maxQueuedBytes = settings.maxBytes() + 64L * 1024;
        this.delivery = new JfrDeliveryQueue(sender, executor, JfrDeliveryQueue.DEFAULT_MAX_ENVELOPES, maxQueuedBytes,
                firstBackoff, maxBackoff);
    }

    /** Starts the schedule; the first recording begins after one interval. */
    public static LeakRecorder start(CollectorConfig.JfrSettings settings, JfrFeatures features,
            Map<String, String> resource, JfrSender sender) {
        return start(settings, features, resource, sender, JfrDeliveryQueue.DEFAULT_FIRST_BACKOFF,
                JfrDeliveryQueue.DEFAULT_MAX_BACKOFF);
    }

    /** As {@link #start(CollectorConfig.JfrSettings, JfrFeatures, Map, JfrSender)}, with the retry backoff given. */
    static LeakRecorder start(CollectorConfig.JfrSettings settings, JfrFeatures features,
            Map<String, String> resource, JfrSender sender, Duration firstBackoff, Duration maxBackoff) {
        LeakRecorder recorder = new LeakRecorder(settings, features, resource, sender, firstBackoff, maxBackoff);
        long period = settings.interval().toMillis();
        recorder.thread.scheduleAtFixedRate(recorder::record, period, period, TimeUnit.MILLISECONDS);
        return recorder;
    }

    /** Recordings the destination accepted. */
    public long exported() {
        return delivery.delivered();
    }

    public long droppedQueueFull() {
        return delivery.droppedQueueFull();
    }

    public long droppedRejected() {
        return delivery.droppedRejected();
    }

    /** Delivery attempts retried after a failure. */
    public long retries() {
        return delivery.retries();
    }

    public long droppedOversize() {
        return droppedOversize.get();
    }

    public long droppedFailed() {
        return droppedFailed.get();
    }

    /** Compressed size of the last recording, -1 before the first. */
    public long lastCompressedBytes() {
        return lastCompressedBytes.get();
    }

    /** The JFR features, as expected at the start and, from the first recording on, as JFR has them. */
    public JfrFeatures features() {
        return features;
    }

    private void record() {
        if (closed || active != null) {
            return;
        }
        if (!features.confirmed()) {
            features = JfrFeatures.probe(true); // starts JFR, as the recording below would
            if (!features.on(JfrFeatures.LEAK_RECORDINGS)) {
                AgentLog.log(Level.INFO, "LeakWatch: JFR leak recordings off: "
                        + features.states().get(JfrFeatures.LEAK_RECORDINGS).reason());
            }
        }
        if (!features.on(JfrFeatures.LEAK_RECORDINGS)) {
            return;
        }
        try {
            Recording r = new Recording();
            r.setName("leakwatch-leak");
            r.setToDisk(true);
            r.setMaxSize(MAX_RECORDING_DISK_BYTES);
            r.setSettings(recordingSettings());
            long start = System.currentTimeMillis();
            r.start();
            active = r;
            thread.schedule(() -> finish(r, start), settings.duration().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Throwable e) {
            droppedFailed.incrementAndGet();
            report("LeakWatch: JFR leak recording could not start: " + e);
        }
    }

    Map<String, String> recordingSettings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("jdk.OldObjectSample#enabled", "true");
        s.put("jdk.OldObjectSample#stackTrace", "true");
        s.put("jdk.OldObjectSample#cutoff", CUTOFF);
        if (features.on(JfrFeatures.ALLOCATION_SAMPLES)) {
            s.put("jdk.ObjectAllocationSample#enabled", "true");
            s.put("jdk.ObjectAllocationSample#stackTrace", "true");
            s.put("jdk.ObjectAllocationSample#throttle", ALLOCATION_THROTTLE);
        }
        if (features.on(JfrFeatures.GC_SUMMARIES)) {
            s.put("jdk.GarbageCollection#enabled", "true");
            s.put("jdk.GCHeapSummary#enabled", "true");
        }
        return s;
    }

    private void finish(Recording r, long start) {
        Path file = null;
        try {
            r.stop();
            long end = System.currentTimeMillis();
            file = Files.createTempFile("leakwatch-", ".jfr");
            r.dump(file);
            byte[] compressed = gzip(file, settings.maxBytes());
            if (compressed == null) {
                droppedOversize.incrementAndGet();
                report("LeakWatch: JFR leak recording dropped: over jfr.max.bytes=" + settings.maxBytes());
                return;
            }
            lastCompressedBytes.set(compressed.length);
            byte[] envelope = JfrEnvelopeCodec.encode(new JfrEnvelope(resource, start, Math.max(start, end),
                    JfrCompression.GZIP, compressed));
            delivery.offer(envelope);
            failing = false;
        } catch (Throwable e) {
            droppedFailed.incrementAndGet();
            report("LeakWatch: JFR leak recording could not be made: " + e);
        } finally {
            active = null;
            try {
                r.close();
            } catch (Throwable ignored) {
                // already closed
            }
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (Throwable ignored) {
                    // the JDK's temporary directory is cleaned eventually
                }
            }
        }
    }

    /** One line when recordings start failing, none while they keep failing. */
    private void report(String message) {
        if (!failing) {
            failing = true;
            AgentLog.log(Level.WARNING, message);
        }
    }

    /** The gzip bytes of {@code file}, or null as soon as they pass {@code maxBytes}. */
    static byte[] gzip(Path file, int maxBytes) throws IOException {
        BoundedBytes out = new BoundedBytes(maxBytes);
        try (InputStream in = Files.newInputStream(file); OutputStream gz = new GZIPOutputStream(out, 65536)) {
            byte[] chunk = new byte[65536];
            int n;
            while ((n = in.read(chunk)) > 0) {
                gz.write(chunk, 0, n);
                if (out.over) {
                    return null;
                }
            }
        }
        return out.over ? null : out.toByteArray();
    }

    /** Resource attributes within the envelope's bounds; anything beyond them is left out, not fatal. */
    private static Map<String, String> bounded(Map<String, String> resource) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : resource.entrySet()) {
            String k = e.getKey();
            String v = e.getValue() == null ? "" : e.getValue();
            if (out.size() < JfrEnvelopeCodec.MAX_ATTRIBUTES && !k.isEmpty()
                    && k.getBytes(StandardCharsets.UTF_8).length <= JfrEnvelopeCodec.MAX_KEY_BYTES
                    && v.getBytes(StandardCharsets.UTF_8).length <= JfrEnvelopeCodec.MAX_VALUE_BYTES) {
                out.put(k, v);
            }
        }
        return out;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            thread.shutdownNow();
            thread.awaitTermination(Duration.ofSeconds(1).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable ignored) {
            // best effort
        }
        Recording r = active;
        if (r != null) {
            try {
                r.close();
            } catch (Throwable ignored) {
                // best effort
            }
        }
        try {
            sender.close();
        } catch (Throwable ignored) {
            // best effort
        }
    }

    /** A byte sink that stops keeping bytes past its bound and says so. */
    private static final class BoundedBytes extends ByteArrayOutputStream {
        private final int max;
        boolean over;

        BoundedBytes(int max) {
            super(64 * 1024);
            this.max = max;
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            if (over || count + len > max) {
                over = true;
                return;
            }
            super.write(b, off, len);
        }

        @Override
        public synchronized void write(int b) {
            if (over || count + 1 > max) {
                over = true;
                return;
            }
            super.write(b);
        }
    }
}
