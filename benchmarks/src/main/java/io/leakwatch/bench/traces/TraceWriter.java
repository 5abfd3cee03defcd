package io.leakwatch.bench.traces;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.GZIPOutputStream;

/**
 * Writes one recorded trace in the format {@code io.leakwatch.testing.RecordedTraces} reads: one gzip
 * stream holding the magic {@code LWTRACE1} (8 ASCII bytes), then per captured request a big-endian
 * {@code long} arrival time (epoch milliseconds), an {@code int} length and that many bytes of the
 * uncompressed OTLP {@code ExportMetricsServiceRequest} protobuf. Gzip over the whole stream (not per
 * request) is what keeps traces small: consecutive requests repeat the same names and attributes.
 *
 * <p>The file appears under its final name only once {@link #close()} succeeded, so an interrupted
 * recording never leaves a truncated trace behind. Appends are serialised; not for high rates.
 */
public final class TraceWriter implements AutoCloseable {
    static final byte[] MAGIC = "LWTRACE1".getBytes(StandardCharsets.US_ASCII);
    /** The same bound the reader enforces on one request. */
    static final int MAX_REQUEST_BYTES = 16 * 1024 * 1024;

    private final Path target;
    private final Path partial;
    private final DataOutputStream out;
    private int requests;
    private long rawBytes;
    private boolean closed;

    public TraceWriter(Path target) throws IOException {
        this.target = target;
        this.partial = target.resolveSibling(target.getFileName() + ".partial");
        OutputStream file = Files.newOutputStream(partial);
        this.out = new DataOutputStream(new BufferedOutputStream(new GZIPOutputStream(file, 1 << 16) {
            {
                def.setLevel(java.util.zip.Deflater.BEST_COMPRESSION);
            }
        }, 1 << 16));
        out.write(MAGIC);
    }

    /** Appends one request body (uncompressed protobuf) received at {@code arrivalMillis}. */
    public synchronized void append(long arrivalMillis, byte[] request) throws IOException {
        if (closed) {
            throw new IllegalStateException("trace already closed: " + target);
        }
        if (request.length > MAX_REQUEST_BYTES) {
            throw new IllegalArgumentException("request of " + request.length + " bytes exceeds " + MAX_REQUEST_BYTES);
        }
        out.writeLong(arrivalMillis);
        out.writeInt(request.length);
        out.write(request);
        requests++;
        rawBytes += request.length;
    }

    public synchronized int requests() {
        return requests;
    }

    public synchronized long rawBytes() {
        return rawBytes;
    }

    /** Drops the recording: the partial file is deleted and nothing appears under the final name. */
    public synchronized void discard() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        out.close();
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
