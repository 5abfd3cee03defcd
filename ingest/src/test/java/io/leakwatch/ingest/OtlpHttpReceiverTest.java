package io.leakwatch.ingest;

import io.leakwatch.store.MetricRow;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPOutputStream;

import static io.leakwatch.ingest.OtlpFixtures.T0_NANOS;
import static org.assertj.core.api.Assertions.assertThat;

class OtlpHttpReceiverTest {
    private static final int MAX_REQUEST = 64 * 1024;
    private static final int MAX_DECODED = 256 * 1024;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final FakeMetricWriter writer = new FakeMetricWriter();
    private final AtomicBoolean storeUp = new AtomicBoolean(true);
    private Vertx vertx;
    private OtlpHttpReceiver receiver;
    private URI base;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        IngestConfig.HttpConfig config = IngestConfig.HttpConfig.defaults().withListen("127.0.0.1", 0)
                .withMaxRequestBytes(MAX_REQUEST);
        receiver = new OtlpHttpReceiver(vertx, config,
                new OtlpMetricsDecoder(new DecodeLimits(MAX_DECODED, 1000, 4096)), writer, storeUp::get);
        int port = receiver.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        base = URI.create("http://127.0.0.1:" + port);
    }

    @AfterEach
    void stop() throws Exception {
        receiver.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private HttpResponse<byte[]> post(String contentType, String encoding, byte[] body) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(base.resolve("/v1/metrics"))
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            req.header("Content-Type", contentType);
        }
        if (encoding != null) {
            req.header("Content-Encoding", encoding);
        }
        return http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    @Test
    void storesAProtobufExportAndRepliesWithAnEmptyProtobufResponse() throws Exception {
        var response = post("application/x-protobuf", null, OtlpFixtures.heapAfterGc("i-1", 3, 100).toByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-protobuf");
        assertThat(ExportMetricsServiceResponse.parseFrom(response.body()).hasPartialSuccess()).isFalse();
        assertThat(writer.rows()).extracting(MetricRow::value).containsExactly(100.0, 101.0, 102.0);
        assertThat(writer.rows()).allSatisfy(r -> assertThat(r.instance()).isEqualTo("i-1"));
        assertThat(writer.tokens()).singleElement().asString().startsWith("otlp-http-");
    }

    @Test
    void storesTheOtlpJsonConformanceExampleAndRepliesInJson() throws Exception {
        var response = post("application/json; charset=utf-8", null, OtlpMetricsDecoderTest.conformanceJson());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(new JsonObject(new String(response.body(), StandardCharsets.UTF_8))).isEqualTo(new JsonObject());
        assertThat(writer.rows()).extracting(MetricRow::metric).containsExactly("my.counter", "my.gauge", "my.histogram");
    }

    @Test
    void acceptsGzipBodies() throws Exception {
        var response = post("application/x-protobuf", "gzip", gzip(OtlpFixtures.heapAfterGc("i-gz", 5, 1).toByteArray()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(writer.rows()).hasSize(5).allSatisfy(r -> assertThat(r.instance()).isEqualTo("i-gz"));
    }

    @Test
    void refusesAZipBombWith413() throws Exception {
        byte[] bomb = gzip(new byte[MAX_DECODED * 4]); // ~1 KiB on the wire, 1 MiB of zeros inside

        var response = post("application/x-protobuf", "gzip", bomb);

        assertThat(bomb.length).isLessThan(MAX_REQUEST);
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(RpcStatusAssert.message(response.body())).contains("decompresses to more than");
        assertThat(writer.calls()).isZero();
    }

    @Test
    void refusesAnOversizeBodyWith413() throws Exception {
        var response = post("application/json", null, new byte[MAX_REQUEST + 1]);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(new JsonObject(new String(response.body(), StandardCharsets.UTF_8)).getString("message"))
                .contains("exceeds the limit of " + MAX_REQUEST);
    }

    @Test
    void refusesMalformedBodiesWith400AndAReason() throws Exception {
        var badProto = post("application/x-protobuf", null, new byte[] {(byte) 0xff, (byte) 0xff, 0x01});
        var badJson = post("application/json", null, "{\"resourceMetrics\": [".getBytes(StandardCharsets.UTF_8));
        var badGzip = post("application/json", "gzip", "not gzip".getBytes(StandardCharsets.UTF_8));

        assertThat(badProto.statusCode()).isEqualTo(400);
        assertThat(badProto.headers().firstValue("Content-Type")).hasValue("application/x-protobuf");
        assertThat(RpcStatusAssert.code(badProto.body())).isEqualTo(3);
        assertThat(RpcStatusAssert.message(badProto.body())).contains("OTLP");
        assertThat(badJson.statusCode()).isEqualTo(400);
        JsonObject status = new JsonObject(new String(badJson.body(), StandardCharsets.UTF_8));
        assertThat(status.getInteger("code")).isEqualTo(3);
        assertThat(status.getString("message")).startsWith("malformed OTLP/JSON");
        assertThat(badGzip.statusCode()).isEqualTo(400);
        assertThat(writer.calls()).isZero();
    }

    @Test
    void refusesOtherMediaTypesAndEncodingsWith415() throws Exception {
        assertThat(post("text/plain", null, "hi".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(415);
        assertThat(post(null, null, "hi".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(415);
        assertThat(post("application/x-protobuf", "br", new byte[] {1}).statusCode()).isEqualTo(415);
        // The connection stays usable after an early refusal.
        assertThat(post("application/x-protobuf", null, OtlpFixtures.heapAfterGc("i", 1, 1).toByteArray()).statusCode())
                .isEqualTo(200);
    }

    @Test
    void repliesPartialSuccessWhenSomePointsAreRefused() throws Exception {
        Metric gauge = Metric.newBuilder().setName("jvm.thread.count").setGauge(Gauge.newBuilder()
                        .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(T0_NANOS).setAsInt(12))
                        .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(T0_NANOS)))
                .build();

        var proto = post("application/x-protobuf", null, OtlpFixtures.request("i", gauge).toByteArray());
        var json = post("application/json", null, com.google.protobuf.util.JsonFormat.printer()
                .print(OtlpFixtures.request("j", gauge)).getBytes(StandardCharsets.UTF_8));

        assertThat(proto.statusCode()).isEqualTo(200);
        var partial = ExportMetricsServiceResponse.parseFrom(proto.body()).getPartialSuccess();
        assertThat(partial.getRejectedDataPoints()).isEqualTo(1);
        assertThat(partial.getErrorMessage()).contains("no value");
        assertThat(json.statusCode()).isEqualTo(200);
        JsonObject jsonPartial = new JsonObject(new String(json.body(), StandardCharsets.UTF_8)).getJsonObject("partialSuccess");
        assertThat(jsonPartial.getValue("rejectedDataPoints").toString()).isEqualTo("1");
        assertThat(writer.rows()).extracting(MetricRow::instance).containsExactly("i", "j");
    }

    @Test
    void mapsStoreFailuresTo503WithRetryAfterOr500() throws Exception {
        byte[] body = OtlpFixtures.heapAfterGc("i", 1, 1).toByteArray();

        writer.failNext(1, true);
        var retryable = post("application/x-protobuf", null, body);
        writer.failNext(1, false);
        var permanent = post("application/x-protobuf", null, body);
        var retried = post("application/x-protobuf", null, body);

        assertThat(retryable.statusCode()).isEqualTo(503);
        assertThat(retryable.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(permanent.statusCode()).isEqualTo(500);
        assertThat(retried.statusCode()).isEqualTo(200);
        assertThat(writer.rows()).hasSize(1);
    }

    @Test
    void reportsLivenessAndStoreReadiness() throws Exception {
        HttpRequest live = HttpRequest.newBuilder(base.resolve("/health/live")).build();
        HttpRequest ready = HttpRequest.newBuilder(base.resolve("/health/ready")).build();

        assertThat(http.send(live, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(http.send(ready, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        storeUp.set(false);
        var down = http.send(ready, HttpResponse.BodyHandlers.ofString());
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).contains("store not reachable");
    }

    /** Reads the two fields of a protobuf {@code google.rpc.Status}. */
    static final class RpcStatusAssert {
        static int code(byte[] body) throws IOException {
            var fields = com.google.protobuf.UnknownFieldSet.parseFrom(body);
            return fields.getField(1).getVarintList().getFirst().intValue();
        }

        static String message(byte[] body) throws IOException {
            var fields = com.google.protobuf.UnknownFieldSet.parseFrom(body);
            return fields.getField(2).getLengthDelimitedList().getFirst().toStringUtf8();
        }
    }
}
