package io.leakwatch.testing;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import java.util.zip.GZIPInputStream;

/**
 * The scenario zoo's recorded traces, shipped as class-path resources under
 * {@code io/leakwatch/testing/traces/}: per scenario a trace {@code <scenario>.otlp.gz} and its label
 * {@code <scenario>.json}. Bytes only: decoding OTLP is the caller's business, so this module stays
 * free of protobuf.
 *
 * <p>Trace format: one gzip stream holding the magic {@code LWTRACE1} (8 ASCII bytes), then per request the
 * collector agent sent, a big-endian {@code long} arrival time (epoch milliseconds at the recorder), an
 * {@code int} length, and that many bytes of an uncompressed OTLP {@code ExportMetricsServiceRequest}.
 * A request over {@link #MAX_REQUEST_BYTES} or a truncated record is an error, not silently skipped.
 *
 * <p>Label: a small JSON object with {@code scenario}, {@code label} ({@code leak} or {@code healthy}),
 * {@code signal}, {@code rate} and {@code unit} (the true slope of the signal's floor, 0 when healthy),
 * {@code leakStartSeconds} (after process start; -1 when healthy), {@code limit} (what the signal runs into,
 * in bytes or a count; null when none), {@code processStartMillis}, {@code durationSeconds},
 * {@code intervalSeconds}, {@code jvmFlags}, {@code scenarioArgs}, {@code recordedAt} and the resource
 * identity used. {@link Label} exposes the fields tests need without a JSON library; {@link #labelJson}
 * gives the raw text for anything else.
 */
public final class RecordedTraces {
    /** Class-path folder of the traces. */
    public static final String FOLDER = "/io/leakwatch/testing/traces/";
    /** Upper bound of one recorded request (the recorder enforces the same). */
    public static final int MAX_REQUEST_BYTES = 16 * 1024 * 1024;
    static final byte[] MAGIC = "LWTRACE1".getBytes(StandardCharsets.US_ASCII);
    /** The recorded scenarios, in the zoo manifest's order; kept here because a class-path folder cannot be listed reliably from a jar. */
    static final List<String> SCENARIOS = List.of(
            "static-map", "unique-id-cache", "listener-registry", "captured-handler", "unclosed-streams",
            "thread-per-task", "pooled-threadlocal", "classloader-redeploy", "direct-buffers", "native-deflater",
            "pool-error-path", "slow-leak-big-sawtooth", "leak-after-deploy", "bounded-lru-cache",
            "pool-grows-to-max", "batch-accumulate-release", "traffic-wave", "lazy-class-loading",
            "committed-grows-live-flat");

    /** One captured request: when it arrived at the recorder, and its protobuf bytes. */
    public record Request(long arrivalMillis, byte[] protobuf) {
        public Request {
            Objects.requireNonNull(protobuf, "protobuf");
        }
    }

    /**
     * What a trace is, read from its label file.
     *
     * @param rate true slope of the signal's floor in {@code unit} (0 for healthy traces)
     * @param leakStartSeconds when the leak starts after process start, -1 for healthy traces
     * @param limit what the signal runs into (bytes or count), or -1 when unbounded/unknown
     */
    public record Label(String scenario, String label, String signal, double rate, String unit,
            long leakStartSeconds, long limit, long processStartMillis, long durationSeconds,
            int intervalSeconds, String instanceId, String serviceName) {

        public boolean isLeak() {
            return label.equals("leak");
        }

        /** The true rate in the signal's base unit per second (bytes for KiB units, else a count). */
        public double ratePerSecondInBaseUnit() {
            return unit.startsWith("KiB") ? rate * 1024 : rate;
        }
    }

    private RecordedTraces() {
    }

    /** The scenarios whose trace and label are on the class path. */
    public static List<String> available() {
        List<String> found = new ArrayList<>();
        for (String scenario : SCENARIOS) {
            if (RecordedTraces.class.getResource(FOLDER + scenario + ".otlp.gz") != null
                    && RecordedTraces.class.getResource(FOLDER + scenario + ".json") != null) {
                found.add(scenario);
            }
        }
        return List.copyOf(found);
    }

    /** The label file's text. */
    public static String labelJson(String scenario) {
        try (InputStream in = resource(scenario + ".json")) {
            return new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The label, parsed. */
    public static Label label(String scenario) {
        String text = labelJson(scenario);
        String limit = field(text, "limit", true);
        return new Label(field(text, "scenario", false), field(text, "label", false), field(text, "signal", false),
                Double.parseDouble(field(text, "rate", true)), field(text, "unit", false),
                Long.parseLong(field(text, "leakStartSeconds", true)),
                limit.equals("null") ? -1 : Long.parseLong(limit),
                Long.parseLong(field(text, "processStartMillis", true)),
                Long.parseLong(field(text, "durationSeconds", true)),
                Integer.parseInt(field(text, "intervalSeconds", true)),
                field(text, "instanceId", false), field(text, "serviceName", false));
    }

    /**
     * The trace's requests in arrival order, read lazily; close the stream to release the resource.
     *
     * @throws UncheckedIOException on a malformed or truncated trace, when the bad record is reached
     */
    public static Stream<Request> open(String scenario) {
        DataInputStream in;
        try {
            in = new DataInputStream(new BufferedInputStream(new GZIPInputStream(resource(scenario + ".otlp.gz"), 1 << 16)));
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                in.close();
                throw new IOException("not a LeakWatch trace (bad magic): " + scenario);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Spliterator<Request> requests = new Spliterators.AbstractSpliterator<>(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL) {
            @Override
            public boolean tryAdvance(Consumer<? super Request> action) {
                try {
                    long arrival;
                    try {
                        arrival = in.readLong();
                    } catch (EOFException end) {
                        return false;
                    }
                    int length = in.readInt();
                    if (length < 0 || length > MAX_REQUEST_BYTES) {
                        throw new IOException("request length " + length + " out of bounds in trace " + scenario);
                    }
                    action.accept(new Request(arrival, in.readNBytes(length)));
                    return true;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        return StreamSupport.stream(requests, false).onClose(() -> {
            try {
                in.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** All requests of a trace, read eagerly. */
    public static List<Request> read(String scenario) {
        try (Stream<Request> requests = open(scenario)) {
            return requests.toList();
        }
    }

    private static InputStream resource(String name) throws IOException {
        if (!name.matches("[a-z0-9-]+\\.(otlp\\.gz|json)")) {
            throw new IllegalArgumentException("not a trace resource name: " + name);
        }
        InputStream in = RecordedTraces.class.getResourceAsStream(FOLDER + name);
        if (in == null) {
            throw new IOException("no recorded trace resource " + FOLDER + name + "; available: " + available());
        }
        return in;
    }

    /** A top-level scalar of the flat label object; enough for the recorder's own output, not a JSON parser. */
    private static String field(String json, String name, boolean bare) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*"
                + (bare ? "(-?[0-9.eE+-]+|null)" : "\"([^\"\\\\]*)\"")).matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("label lacks \"" + name + "\"");
        }
        return m.group(1);
    }
}
