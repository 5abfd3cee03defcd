package io.leakwatch.ingest.jfr;

import io.leakwatch.ingest.PayloadRejectedException;
import io.leakwatch.store.jfr.JfrSnapshotRows;
import io.leakwatch.wire.JfrCompression;
import io.leakwatch.wire.JfrEnvelope;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedObject;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Turns a JFR snapshot envelope into rows for the JFR tables: the recording is decompressed into a bounded
 * temporary file (deleted afterwards) and read with {@link RecordingFile}. Extracted:
 * <ul>
 *   <li>{@code jdk.OldObjectSample}: class, allocation time, age, array size, allocation stack, the GC root
 *       and the reference chain from the root-most object down to the sample;</li>
 *   <li>{@code jdk.ObjectAllocationSample}: class, weight, stack;</li>
 *   <li>{@code jdk.GarbageCollection} joined with {@code jdk.GCHeapSummary} by GC id: collector, cause, summed
 *       pauses, heap used before and after.</li>
 * </ul>
 * Stacks (top {@link JfrIngestConfig#maxFrames()} frames) are deduplicated by a 64-bit hash of their frames.
 *
 * <p>Blocking and CPU-bound: call it on a worker thread. Thread-safe (no state). Any recording it cannot
 * read, or that exceeds a bound, is refused with a {@link PayloadRejectedException} naming the reason.
 */
public final class JfrSnapshotDecoder {
    /** Chain elements kept per sample; JFR itself trims long chains in the middle. */
    static final int MAX_CHAIN = 64;
    private static final int MAX_LABEL = 512;

    private final JfrIngestConfig config;
    private final Path tempDir;

    public JfrSnapshotDecoder(JfrIngestConfig config) {
        this(config, null);
    }

    /** @param tempDir where recordings are unpacked; null for the JDK's temporary directory */
    public JfrSnapshotDecoder(JfrIngestConfig config, Path tempDir) {
        this.config = config;
        this.tempDir = tempDir;
    }

    public JfrIngestConfig config() {
        return config;
    }

    /** Reads the recording inside {@code envelope}. */
    public JfrSnapshotRows decode(JfrEnvelope envelope) {
        String instance = envelope.attribute(JfrEnvelope.SERVICE_INSTANCE_ID);
        if (instance.isBlank()) {
            throw new PayloadRejectedException("envelope has no service.instance.id resource attribute", false);
        }
        Path file = null;
        try {
            file = tempDir == null ? Files.createTempFile("leakwatch-", ".jfr")
                    : Files.createTempFile(tempDir, "leakwatch-", ".jfr");
            long jfrBytes = unpack(envelope, file);
            Parsed parsed = parse(file);
            return new JfrSnapshotRows(snapshotId(envelope), envelope.startMillis(), envelope.endMillis(),
                    envelope.attribute(JfrEnvelope.SERVICE_NAME), envelope.attribute(JfrEnvelope.SERVICE_VERSION),
                    instance, envelope.attribute(JfrEnvelope.HOST_NAME), envelope.resource(),
                    envelope.payload().length, jfrBytes, parsed.oldObjects, parsed.allocations,
                    parsed.collections(), new ArrayList<>(parsed.stacks.values()));
        } catch (IOException e) {
            throw new PayloadRejectedException("cannot read the JFR recording: " + e.getMessage(), false, e);
        } catch (PayloadRejectedException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            // RecordingFile reports some corruptions as unchecked exceptions.
            throw new PayloadRejectedException("corrupt JFR recording: " + e, false, e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // the JDK's temp directory is cleaned eventually; nothing else to do
                }
            }
        }
    }

    /** A stable id for the snapshot: the same envelope always gets the same id. */
    public static String snapshotId(JfrEnvelope envelope) {
        MessageDigest sha = sha256();
        sha.update(envelope.attribute(JfrEnvelope.SERVICE_INSTANCE_ID).getBytes(StandardCharsets.UTF_8));
        sha.update(Long.toString(envelope.endMillis()).getBytes(StandardCharsets.UTF_8));
        sha.update(envelope.payload());
        return HexFormat.of().formatHex(sha.digest(), 0, 16);
    }

    private long unpack(JfrEnvelope envelope, Path file) throws IOException {
        long limit = config.maxRecordingBytes();
        InputStream raw = new ByteArrayInputStream(envelope.payload());
        try (InputStream in = envelope.compression() == JfrCompression.GZIP ? new GZIPInputStream(raw, 16384) : raw;
             OutputStream out = Files.newOutputStream(file)) {
            byte[] chunk = new byte[65536];
            long total = 0;
            int n;
            while ((n = in.read(chunk)) > 0) {
                total += n;
                if (total > limit) {
                    throw new PayloadRejectedException("JFR recording decompresses to more than " + limit + " bytes", true);
                }
                out.write(chunk, 0, n);
            }
            return total;
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new PayloadRejectedException("malformed gzip payload: " + e.getMessage(), false, e);
        }
    }

    private Parsed parse(Path file) throws IOException {
        Parsed p = new Parsed();
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent e = recording.readEvent();
                switch (e.getEventType().getName()) {
                    case "jdk.OldObjectSample" -> oldObject(e, p);
                    case "jdk.ObjectAllocationSample" -> allocation(e, p);
                    case "jdk.GarbageCollection" -> p.gc(e.getLong("gcId")).collection = e;
                    case "jdk.GCHeapSummary" -> heapSummary(e, p);
                    default -> {
                        // other events of the recording are not stored
                    }
                }
            }
        }
        return p;
    }

    private void oldObject(RecordedEvent e, Parsed p) {
        if (p.oldObjects.size() >= config.maxOldObjects()) {
            return;
        }
        RecordedObject object = e.getValue("object");
        String className = object == null ? "" : typeName(object);
        Instant allocated = e.hasField("allocationTime") ? e.getInstant("allocationTime") : e.getStartTime();
        Duration age = e.hasField("objectAge") ? e.getDuration("objectAge") : Duration.ZERO;
        int arraySize = e.hasField("arrayElements") ? e.getInt("arrayElements") : -1;
        long heapUsed = e.hasField("lastKnownHeapUsage") ? e.getLong("lastKnownHeapUsage") : 0;
        RecordedObject root = e.hasField("root") ? e.getValue("root") : null;
        p.oldObjects.add(new JfrSnapshotRows.OldObject(className, allocated.toEpochMilli(), age.toMillis(),
                arraySize < 0 ? -1 : arraySize, heapUsed, stack(e.getStackTrace(), p),
                root == null ? "" : text(root, "type"), root == null ? "" : text(root, "system"),
                root == null ? "" : text(root, "description"), chain(object)));
    }

    private void allocation(RecordedEvent e, Parsed p) {
        if (p.allocations.size() >= config.maxAllocationSamples()) {
            return;
        }
        RecordedClass type = e.getClass("objectClass");
        p.allocations.add(new JfrSnapshotRows.Allocation(e.getStartTime().toEpochMilli(),
                type == null ? "" : javaName(type.getName()), e.getLong("weight"), stack(e.getStackTrace(), p)));
    }

    private static void heapSummary(RecordedEvent e, Parsed p) {
        Gc gc = p.gc(e.getLong("gcId"));
        String when = e.getString("when");
        if ("Before GC".equals(when)) {
            gc.heapBefore = e.getLong("heapUsed");
        } else if ("After GC".equals(when)) {
            gc.heapAfter = e.getLong("heapUsed");
        }
    }

    /**
     * The reference chain, root-most object first, down to the sample. Each element is the object's class, with
     * how its holder refers to it ({@code via FIELD} or {@code via []}); {@code java.lang.Class} and thread objects
     * carry their description (which class, which thread), since that is what names a static-field holder.
     */
    static List<String> chain(RecordedObject sample) {
        List<String> chain = new ArrayList<>();
        RecordedObject current = sample;
        while (current != null && chain.size() < MAX_CHAIN) {
            StringBuilder label = new StringBuilder(typeName(current));
            String description = text(current, "description");
            if (!description.isEmpty() && (label.toString().equals("java.lang.Class")
                    || label.toString().startsWith("java.lang.Thread"))) {
                label.append(" (").append(description).append(')');
            }
            RecordedObject referrer = current.hasField("referrer") ? current.getValue("referrer") : null;
            if (referrer == null) {
                chain.add(bounded(label));
                break;
            }
            RecordedObject field = referrer.hasField("field") ? referrer.getValue("field") : null;
            RecordedObject array = referrer.hasField("array") ? referrer.getValue("array") : null;
            if (field != null) {
                label.append(" via ").append(text(field, "name"));
                if (field.hasField("modifiers") && java.lang.reflect.Modifier.isStatic(field.getInt("modifiers"))) {
                    label.append(" (static)");
                }
            } else if (array != null) {
                label.append(" via []");
            }
            chain.add(bounded(label));
            int skip = referrer.hasField("skip") ? referrer.getInt("skip") : 0;
            if (skip > 0) {
                chain.add("... " + skip + " objects skipped");
            }
            current = referrer.hasField("object") ? referrer.getValue("object") : null;
        }
        Collections.reverse(chain);
        return chain;
    }

    private long stack(RecordedStackTrace trace, Parsed p) {
        if (trace == null || trace.getFrames().isEmpty()) {
            return 0;
        }
        List<String> frames = new ArrayList<>();
        for (RecordedFrame f : trace.getFrames()) {
            if (frames.size() >= config.maxFrames()) {
                break;
            }
            if (f.getMethod() == null) {
                continue;
            }
            String type = f.getMethod().getType() == null ? "?" : f.getMethod().getType().getName();
            int line = f.getLineNumber();
            frames.add(type + "." + f.getMethod().getName() + (line > 0 ? ":" + line : ""));
        }
        if (frames.isEmpty()) {
            return 0;
        }
        long hash = stackHash(frames);
        p.stacks.computeIfAbsent(hash, h -> new JfrSnapshotRows.Stack(h, frames));
        return hash;
    }

    /** The first 8 bytes of the SHA-256 of the frames, never 0 (0 means "no stack"). */
    public static long stackHash(List<String> frames) {
        MessageDigest sha = sha256();
        for (String f : frames) {
            sha.update(f.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) '\n');
        }
        long h = java.nio.ByteBuffer.wrap(sha.digest()).getLong();
        return h == 0 ? 1 : h;
    }

    private static String typeName(RecordedObject object) {
        if (!object.hasField("type")) {
            return "";
        }
        RecordedClass type = object.getValue("type");
        return type == null ? "" : javaName(type.getName());
    }

    /** {@code [B} → {@code byte[]}, {@code [Ljava.lang.String;} → {@code java.lang.String[]}. */
    static String javaName(String binary) {
        if (binary == null) {
            return "";
        }
        int dims = 0;
        while (dims < binary.length() && binary.charAt(dims) == '[') {
            dims++;
        }
        if (dims == 0) {
            return binary;
        }
        String element = binary.substring(dims);
        String base = switch (element) {
            case "Z" -> "boolean";
            case "B" -> "byte";
            case "C" -> "char";
            case "S" -> "short";
            case "I" -> "int";
            case "J" -> "long";
            case "F" -> "float";
            case "D" -> "double";
            default -> element.startsWith("L") && element.endsWith(";")
                    ? element.substring(1, element.length() - 1) : element;
        };
        return base + "[]".repeat(dims);
    }

    private static String text(RecordedObject o, String field) {
        if (!o.hasField(field)) {
            return "";
        }
        Object v = o.getValue(field);
        return v == null ? "" : bounded(new StringBuilder(v.toString()));
    }

    private static String bounded(StringBuilder s) {
        return s.length() > MAX_LABEL ? s.substring(0, MAX_LABEL) + "..." : s.toString();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JDK", e);
        }
    }

    private static final class Gc {
        RecordedEvent collection;
        long heapBefore = -1;
        long heapAfter = -1;
    }

    private final class Parsed {
        final List<JfrSnapshotRows.OldObject> oldObjects = new ArrayList<>();
        final List<JfrSnapshotRows.Allocation> allocations = new ArrayList<>();
        final Map<Long, JfrSnapshotRows.Stack> stacks = new LinkedHashMap<>();
        final Map<Long, Gc> gcs = new HashMap<>();

        Gc gc(long id) {
            if (gcs.size() >= config.maxOldObjects() && !gcs.containsKey(id)) {
                return new Gc(); // past the bound: read and forgotten
            }
            return gcs.computeIfAbsent(id, k -> new Gc());
        }

        List<JfrSnapshotRows.Collection> collections() {
            List<JfrSnapshotRows.Collection> out = new ArrayList<>();
            gcs.forEach((id, gc) -> {
                if (gc.collection != null) {
                    RecordedEvent c = gc.collection;
                    Duration pauses = c.hasField("sumOfPauses") ? c.getDuration("sumOfPauses") : Duration.ZERO;
                    out.add(new JfrSnapshotRows.Collection(c.getStartTime().toEpochMilli(), id, c.getString("name"),
                            c.getString("cause"), gc.heapBefore, gc.heapAfter, pauses.toNanos() / 1e6));
                }
            });
            out.sort(java.util.Comparator.comparingLong(JfrSnapshotRows.Collection::timeMillis));
            return out;
        }
    }
}
