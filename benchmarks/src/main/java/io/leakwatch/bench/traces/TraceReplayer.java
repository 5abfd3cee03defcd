package io.leakwatch.bench.traces;

import io.leakwatch.ingest.DecodeLimits;
import io.leakwatch.ingest.DecodedMetrics;
import io.leakwatch.ingest.OtlpMetricsDecoder;
import io.leakwatch.store.MetricRow;
import io.leakwatch.store.MetricWriter;
import io.leakwatch.testing.RecordedTraces;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Sends a recorded trace ({@link RecordedTraces}) through LeakWatch's ingest path with its timestamps
 * shifted and stretched ({@link TimeWarp}), optionally under another {@code service.instance.id}.
 * Two paths: {@link #replayOverHttp} POSTs each rewritten request (protobuf, gzip) to a running ingest's
 * {@code /v1/metrics}, exactly as the agent would; {@link #replayDirect} runs the same
 * {@link OtlpMetricsDecoder} the receiver uses and writes its rows with a {@link MetricWriter}, batching
 * several requests per insert, which is much faster for benchmarks. Both are blocking.
 *
 * <p>From the command line, against a running LeakWatch:
 * <pre>java -cp … io.leakwatch.bench.traces.TraceReplayer endpoint=http://127.0.0.1:4318 [scenarios=all|a,b]
 *   [factor=10] [instance-suffix=-replay]</pre>
 * The replayed traces end now.
 */
public final class TraceReplayer {
    /** Requests per insert on the direct path. */
    static final int REQUESTS_PER_INSERT = 60;

    /**
     * How to replay.
     *
     * @param factor     stretch factor (1: recorded cadence)
     * @param endMillis  where the trace's last request lands (epoch ms)
     * @param instanceId replacement {@code service.instance.id}, or null to keep the recorded one
     * @param skipMillis recorded time dropped at the trace's start (e.g. the JVM's warm-up, which lasts
     *                   seconds in reality and would last minutes once stretched); 0 keeps everything
     */
    public record Options(double factor, long endMillis, String instanceId, long skipMillis) {

        public Options(double factor, long endMillis, String instanceId) {
            this(factor, endMillis, instanceId, 0);
        }
    }

    /** The trace's requests after {@code options.skipMillis()}. */
    static List<RecordedTraces.Request> requests(String scenario, Options options) {
        List<RecordedTraces.Request> all = RecordedTraces.read(scenario);
        if (all.isEmpty() || options.skipMillis() <= 0) {
            return all;
        }
        long from = all.getFirst().arrivalMillis() + options.skipMillis();
        List<RecordedTraces.Request> kept = all.stream().filter(r -> r.arrivalMillis() >= from).toList();
        if (kept.size() < 2) {
            throw new IllegalArgumentException("skipping " + options.skipMillis() + " ms leaves less than two requests of " + scenario);
        }
        return kept;
    }

    /**
     * What a replay sent.
     *
     * @param requests     requests replayed
     * @param rows         rows written (direct path) or 0 (HTTP path: the server decodes)
     * @param rejected     points the decoder rejected (direct path)
     * @param firstMillis  the first request's replayed arrival time
     * @param lastMillis   the last request's replayed arrival time
     * @param warp         the time map used, to translate label times (leak start) into replay time
     */
    public record Result(int requests, long rows, long rejected, long firstMillis, long lastMillis, TimeWarp warp) {
    }

    private TraceReplayer() {
    }

    /** The warp that makes {@code scenario}'s trace end at {@code options.endMillis()}. */
    public static TimeWarp warpFor(List<RecordedTraces.Request> trace, Options options) {
        if (trace.isEmpty()) {
            throw new IllegalArgumentException("empty trace");
        }
        return TimeWarp.endingAt(trace.getFirst().arrivalMillis(), trace.getLast().arrivalMillis(), options.endMillis(),
                options.factor());
    }

    /** Decodes and writes the trace's rows directly (no HTTP), in batches of {@link #REQUESTS_PER_INSERT} requests. */
    public static Result replayDirect(String scenario, Options options, MetricWriter writer) {
        List<RecordedTraces.Request> trace = requests(scenario, options);
        TimeWarp warp = warpFor(trace, options);
        RequestRewriter rewriter = new RequestRewriter(warp, options.instanceId());
        OtlpMetricsDecoder decoder = new OtlpMetricsDecoder(DecodeLimits.defaults());
        List<MetricRow> batch = new ArrayList<>();
        long rows = 0;
        long rejected = 0;
        int batchStart = 0;
        for (int i = 0; i < trace.size(); i++) {
            ExportMetricsServiceRequest rewritten = rewriter.rewrite(decoder.parseProtobuf(trace.get(i).protobuf()));
            DecodedMetrics decoded = decoder.decode(rewritten);
            batch.addAll(decoded.rows());
            rejected += decoded.rejectedPoints();
            if ((i + 1) % REQUESTS_PER_INSERT == 0 || i == trace.size() - 1) {
                // Same token for the same (instance, slice, warp): a repeated replay is stored once.
                writer.write(batch, "replay-" + scenario + "-" + options.instanceId() + "-" + warp.targetOriginMillis()
                        + "-" + warp.factor() + "-" + batchStart + "-" + i);
                rows += batch.size();
                batch = new ArrayList<>();
                batchStart = i + 1;
            }
        }
        return new Result(trace.size(), rows, rejected, warp.millis(trace.getFirst().arrivalMillis()),
                warp.millis(trace.getLast().arrivalMillis()), warp);
    }

    /**
     * POSTs each rewritten request to {@code metricsUrl} (a full {@code …/v1/metrics} URL) as gzip'd
     * protobuf; fails on the first non-2xx reply, naming the status and the body's start.
     */
    public static Result replayOverHttp(String scenario, Options options, URI metricsUrl) {
        List<RecordedTraces.Request> trace = requests(scenario, options);
        TimeWarp warp = warpFor(trace, options);
        RequestRewriter rewriter = new RequestRewriter(warp, options.instanceId());
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            for (RecordedTraces.Request request : trace) {
                ExportMetricsServiceRequest rewritten = rewriter.rewrite(ExportMetricsServiceRequest.parseFrom(request.protobuf()));
                HttpRequest post = HttpRequest.newBuilder(metricsUrl)
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/x-protobuf")
                        .header("Content-Encoding", "gzip")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(gzip(rewritten.toByteArray())))
                        .build();
                HttpResponse<String> reply = http.send(post, HttpResponse.BodyHandlers.ofString());
                if (reply.statusCode() / 100 != 2) {
                    String body = reply.body();
                    throw new IllegalStateException("ingest replied " + reply.statusCode() + " to a replayed request of "
                            + scenario + ": " + body.substring(0, Math.min(200, body.length())));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while replaying " + scenario, e);
        }
        return new Result(trace.size(), 0, 0, warp.millis(trace.getFirst().arrivalMillis()),
                warp.millis(trace.getLast().arrivalMillis()), warp);
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 4 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    public static void main(String[] args) {
        Map<String, String> options = new LinkedHashMap<>(Map.of(
                "endpoint", "http://127.0.0.1:4318", "scenarios", "all", "factor", "10", "instance-suffix", "-replay"));
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0 || !options.containsKey(arg.substring(0, eq))) {
                throw new IllegalArgumentException("unknown argument " + arg + "; known: " + options.keySet());
            }
            options.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        URI url = URI.create(options.get("endpoint").replaceAll("/+$", "") + "/v1/metrics");
        List<String> scenarios = options.get("scenarios").equals("all") ? RecordedTraces.available()
                : List.of(options.get("scenarios").split(","));
        long now = System.currentTimeMillis();
        for (String scenario : scenarios) {
            RecordedTraces.Label label = RecordedTraces.label(scenario);
            Result r = replayOverHttp(scenario, new Options(Double.parseDouble(options.get("factor")), now,
                    label.instanceId() + options.get("instance-suffix")), url);
            System.out.printf(Locale.ROOT, "%-28s %4d requests, %s .. %s%n", scenario, r.requests(),
                    java.time.Instant.ofEpochMilli(r.firstMillis()), java.time.Instant.ofEpochMilli(r.lastMillis()));
        }
    }
}
