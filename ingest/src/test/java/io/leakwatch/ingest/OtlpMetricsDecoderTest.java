package io.leakwatch.ingest;

import com.google.protobuf.ByteString;
import io.leakwatch.store.MetricKind;
import io.leakwatch.store.MetricRow;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.DataPointFlags;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.leakwatch.ingest.OtlpFixtures.T0_NANOS;
import static io.leakwatch.ingest.OtlpFixtures.attr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OtlpMetricsDecoderTest {

    private final OtlpMetricsDecoder decoder = new OtlpMetricsDecoder(DecodeLimits.defaults());

    static byte[] conformanceJson() throws IOException {
        // The shared conformance input; a copy is kept in test resources for builds outside this machine.
        Path shared = Path.of("/work/shared/conformance/otlp-metrics-example.json");
        if (Files.exists(shared)) {
            return Files.readAllBytes(shared);
        }
        try (var in = OtlpMetricsDecoderTest.class.getResourceAsStream("/otlp-metrics-example.json")) {
            return in.readAllBytes();
        }
    }

    @Test
    void keepsEveryAttributeAndTheLastValueOfARepeatedKeyWhateverTheirNumber() {
        List<List<KeyValue>> sets = List.of(List.of(),
                List.of(attr("pool", "old")),
                List.of(attr("gc", "G1 Young"), attr("action", "end of minor GC")),
                List.of(attr("pool", "old"), attr("pool", "eden")),
                List.of(attr("a", "1"), attr("b", "2"), attr("a", "3")));
        Gauge.Builder gauge = Gauge.newBuilder();
        sets.forEach(kvs -> gauge.addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(T0_NANOS).setAsDouble(1)
                .addAllAttributes(kvs)));

        List<MetricRow> rows = decoder.decode(OtlpFixtures.request("i-1",
                Metric.newBuilder().setName("g").setGauge(gauge).build())).rows();

        assertThat(rows).extracting(MetricRow::attributes).containsExactly(Map.of(), Map.of("pool", "old"),
                Map.of("gc", "G1 Young", "action", "end of minor GC"), Map.of("pool", "eden"), Map.of("a", "3", "b", "2"));
    }

    @Test
    void decodesTheOtlpJsonConformanceExample() throws IOException {
        DecodedMetrics decoded = decoder.decodeJson(conformanceJson());

        assertThat(decoded.rejectedPoints()).isZero();
        assertThat(decoded.rows()).hasSize(3);
        long millis = 1544712660300L;
        MetricRow counter = decoded.rows().get(0);
        assertThat(counter.metric()).isEqualTo("my.counter");
        assertThat(counter.kind()).isEqualTo(MetricKind.SUM);
        assertThat(counter.monotonic()).isTrue();
        assertThat(counter.delta()).isTrue(); // aggregationTemporality 1 = DELTA, written as an int
        assertThat(counter.value()).isEqualTo(5.0);
        assertThat(counter.timeMillis()).isEqualTo(millis);
        assertThat(counter.startTimeMillis()).isEqualTo(millis);
        assertThat(counter.service()).isEqualTo("my.service");
        assertThat(counter.instance()).isEqualTo("unknown");
        assertThat(counter.resource()).containsExactly(Map.entry("service.name", "my.service"));
        assertThat(counter.attributes()).containsExactly(Map.entry("my.counter.attr", "some value"));

        MetricRow gauge = decoded.rows().get(1);
        assertThat(gauge.metric()).isEqualTo("my.gauge");
        assertThat(gauge.kind()).isEqualTo(MetricKind.GAUGE);
        assertThat(gauge.value()).isEqualTo(10.0);
        assertThat(gauge.unit()).isEqualTo("1");

        MetricRow histogram = decoded.rows().get(2);
        assertThat(histogram.kind()).isEqualTo(MetricKind.HISTOGRAM);
        assertThat(histogram.count()).isEqualTo(3);
        assertThat(histogram.value()).isEqualTo(3.0);
        assertThat(histogram.min()).isEqualTo(1.0);
        assertThat(histogram.max()).isEqualTo(1.0);
        assertThat(histogram.bounds()).containsExactly(1.0);
        assertThat(histogram.bucketCounts()).containsExactly(1L, 1L, 1L);
        assertThat(histogram.attributes()).containsEntry("my.histogram.attr", "some value");
    }

    @Test
    void acceptsOtlpJsonWithStringIntegersEnumNamesAndHexExemplarIds() {
        String json = """
                {"resourceMetrics":[{"resource":{"attributes":[
                   {"key":"service.name","value":{"stringValue":"svc"}},
                   {"key":"host.name","value":{"stringValue":"h1"}},
                   {"key":"process.pid","value":{"intValue":"4242"}},
                   {"key":"deployment.environment","value":{"stringValue":"staging"}}]},
                 "scopeMetrics":[{"metrics":[{"name":"jvm.thread.count","unit":"{thread}",
                   "sum":{"aggregationTemporality":"AGGREGATION_TEMPORALITY_CUMULATIVE","isMonotonic":false,
                     "dataPoints":[{"asInt":"17","timeUnixNano":"1700000000000000000","startTimeUnixNano":"1690000000000000000",
                       "exemplars":[{"asInt":"1","timeUnixNano":"1700000000000000000",
                         "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b17z"}]}]},
                   "someFutureField":{"x":1}}]}]}]}
                """;
        List<MetricRow> rows = decoder.decodeJson(json.getBytes(StandardCharsets.UTF_8)).rows();

        assertThat(rows).singleElement().satisfies(r -> {
            assertThat(r.value()).isEqualTo(17.0);
            assertThat(r.kind()).isEqualTo(MetricKind.SUM);
            assertThat(r.delta()).isFalse();
            assertThat(r.monotonic()).isFalse();
            assertThat(r.timeMillis()).isEqualTo(1_700_000_000_000L);
            assertThat(r.instance()).isEqualTo("h1:4242");
            assertThat(r.host()).isEqualTo("h1");
            assertThat(r.environment()).isEqualTo("staging");
            assertThat(r.resource()).containsEntry("process.pid", "4242");
        });
    }

    @Test
    void decodesACollectorKafkaExporterProtobufPayload() throws Exception {
        ExportMetricsServiceRequest request = OtlpFixtures.request("i-1",
                OtlpFixtures.heapAfterGc("i-1", 2, 1000).getResourceMetrics(0).getScopeMetrics(0).getMetrics(0),
                OtlpFixtures.counter("jvm.class.loaded", 1234, AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE),
                OtlpFixtures.counter("vendor.custom.thing", 5, AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA));

        List<MetricRow> rows = decoder.decodeProtobuf(request.toByteArray()).rows();

        assertThat(rows).extracting(MetricRow::metric).containsExactly(
                "jvm.memory.used_after_last_gc", "jvm.memory.used_after_last_gc", "jvm.class.loaded", "vendor.custom.thing");
        MetricRow heap = rows.get(1);
        assertThat(heap.service()).isEqualTo("checkout");
        assertThat(heap.version()).isEqualTo("1.2.3");
        assertThat(heap.instance()).isEqualTo("i-1");
        assertThat(heap.host()).isEqualTo("node-7");
        assertThat(heap.environment()).isEqualTo("prod");
        assertThat(heap.unit()).isEqualTo("By");
        assertThat(heap.value()).isEqualTo(1001.0);
        assertThat(heap.timeMillis()).isEqualTo(1_700_000_001_000L);
        assertThat(heap.attributes()).containsOnly(Map.entry("jvm.memory.pool.name", "G1 Old Gen"),
                Map.entry("jvm.memory.type", "heap"));
        assertThat(rows.get(2).delta()).isFalse();
        assertThat(rows.get(2).monotonic()).isTrue();
        assertThat(rows.get(2).startTimeMillis()).isEqualTo(1_699_999_990_000L);
        assertThat(rows.get(3).delta()).isTrue();
    }

    @Test
    void decodesHistogramsExponentialHistogramsAndSummaries() {
        Metric histogram = Metric.newBuilder().setName("jvm.gc.duration").setUnit("s")
                .setHistogram(Histogram.newBuilder()
                        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                        .addDataPoints(HistogramDataPoint.newBuilder().setTimeUnixNano(T0_NANOS).setCount(4).setSum(0.5)
                                .addAllExplicitBounds(List.of(0.01, 0.1, 1.0)).addAllBucketCounts(List.of(1L, 2L, 1L, 0L))
                                .addAttributes(attr("jvm.gc.name", "G1 Young Generation"))
                                .addAttributes(attr("jvm.gc.action", "end of minor GC"))))
                .build();
        Metric exponential = Metric.newBuilder().setName("rpc.latency").setUnit("ms")
                .setExponentialHistogram(ExponentialHistogram.newBuilder()
                        .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                        .addDataPoints(ExponentialHistogramDataPoint.newBuilder().setTimeUnixNano(T0_NANOS)
                                .setCount(10).setSum(55).setMin(1).setMax(10).setScale(3)))
                .build();
        Metric summary = Metric.newBuilder().setName("legacy.summary").setUnit("ms")
                .setSummary(Summary.newBuilder().addDataPoints(SummaryDataPoint.newBuilder().setTimeUnixNano(T0_NANOS)
                        .setCount(3).setSum(6)
                        .addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(0).setValue(1))
                        .addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(0.5).setValue(2))
                        .addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(1).setValue(3))))
                .build();
        Metric doubleGauge = Metric.newBuilder().setName("process.cpu.utilization").setUnit("1")
                .setGauge(Gauge.newBuilder().addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(T0_NANOS).setAsDouble(0.25)))
                .build();

        List<MetricRow> rows = decoder.decode(OtlpFixtures.request("i-2", histogram, exponential, summary, doubleGauge)).rows();

        assertThat(rows).hasSize(4);
        MetricRow h = rows.get(0);
        assertThat(h.kind()).isEqualTo(MetricKind.HISTOGRAM);
        assertThat(h.count()).isEqualTo(4);
        assertThat(h.value()).isEqualTo(0.5);
        assertThat(h.min()).isNaN();
        assertThat(h.bounds()).containsExactly(0.01, 0.1, 1.0);
        assertThat(h.bucketCounts()).containsExactly(1L, 2L, 1L, 0L);
        assertThat(h.delta()).isFalse();
        assertThat(h.attributes()).containsEntry("jvm.gc.action", "end of minor GC");
        MetricRow e = rows.get(1);
        assertThat(e.kind()).isEqualTo(MetricKind.EXPONENTIAL_HISTOGRAM);
        assertThat(e.count()).isEqualTo(10);
        assertThat(e.value()).isEqualTo(55.0);
        assertThat(e.min()).isEqualTo(1.0);
        assertThat(e.max()).isEqualTo(10.0);
        assertThat(e.delta()).isTrue();
        assertThat(e.bounds()).isEmpty();
        MetricRow s = rows.get(2);
        assertThat(s.kind()).isEqualTo(MetricKind.SUMMARY);
        assertThat(s.count()).isEqualTo(3);
        assertThat(s.value()).isEqualTo(6.0);
        assertThat(s.min()).isEqualTo(1.0);
        assertThat(s.max()).isEqualTo(3.0);
        assertThat(rows.get(3).value()).isEqualTo(0.25);
    }

    @Test
    void rendersEveryAttributeTypeAsAString() {
        AnyValue array = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
                .addValues(AnyValue.newBuilder().setStringValue("a\"b"))
                .addValues(AnyValue.newBuilder().setIntValue(7))
                .addValues(AnyValue.newBuilder().setBoolValue(true))).build();
        AnyValue kvlist = AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
                .addValues(KeyValue.newBuilder().setKey("k").setValue(AnyValue.newBuilder().setDoubleValue(1.5)))).build();
        Metric gauge = Metric.newBuilder().setName("g").setGauge(Gauge.newBuilder().addDataPoints(
                NumberDataPoint.newBuilder().setTimeUnixNano(T0_NANOS).setAsInt(1)
                        .addAttributes(KeyValue.newBuilder().setKey("arr").setValue(array))
                        .addAttributes(KeyValue.newBuilder().setKey("map").setValue(kvlist))
                        .addAttributes(KeyValue.newBuilder().setKey("bool").setValue(AnyValue.newBuilder().setBoolValue(false)))
                        .addAttributes(KeyValue.newBuilder().setKey("int").setValue(AnyValue.newBuilder().setIntValue(-3)))
                        .addAttributes(KeyValue.newBuilder().setKey("dbl").setValue(AnyValue.newBuilder().setDoubleValue(2.5)))
                        .addAttributes(KeyValue.newBuilder().setKey("bytes").setValue(AnyValue.newBuilder().setBytesValue(ByteString.copyFromUtf8("hi"))))
                        .addAttributes(KeyValue.newBuilder().setKey("empty").setValue(AnyValue.getDefaultInstance()))))
                .build();

        MetricRow row = decoder.decode(OtlpFixtures.request("i", gauge)).rows().getFirst();

        assertThat(row.attributes()).containsOnly(
                Map.entry("arr", "[\"a\\\"b\",7,true]"), Map.entry("map", "{\"k\":1.5}"),
                Map.entry("bool", "false"), Map.entry("int", "-3"), Map.entry("dbl", "2.5"),
                Map.entry("bytes", "aGk="), Map.entry("empty", ""));
    }

    @Test
    void countsPointsWithoutValueOrTimeAsRejectedAndKeepsTheRest() {
        Metric gauge = Metric.newBuilder().setName("g").setGauge(Gauge.newBuilder()
                        .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(T0_NANOS).setAsInt(1))
                        .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(T0_NANOS)) // no value
                        .addDataPoints(NumberDataPoint.newBuilder().setAsInt(3)) // no time
                        .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(T0_NANOS)
                                .setFlags(DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE)))
                .build();

        DecodedMetrics decoded = decoder.decode(OtlpFixtures.request("i", gauge));

        assertThat(decoded.rows()).extracting(MetricRow::value).containsExactly(1.0);
        assertThat(decoded.rejectedPoints()).isEqualTo(2);
        assertThat(decoded.rejectionReason()).contains("'g'").contains("no value");
    }

    @Test
    void refusesGarbageTruncatedAndNonMetricsPayloads() {
        byte[] valid = OtlpFixtures.heapAfterGc("i", 3, 1).toByteArray();
        byte[] truncated = java.util.Arrays.copyOf(valid, valid.length - 5);

        assertThatThrownBy(() -> decoder.decodeProtobuf(truncated))
                .isInstanceOf(PayloadRejectedException.class).hasMessageContaining("malformed OTLP protobuf");
        assertThatThrownBy(() -> decoder.decodeProtobuf("this is not protobuf at all".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(PayloadRejectedException.class);
        assertThatThrownBy(() -> decoder.decodeProtobuf(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}))
                .isInstanceOf(PayloadRejectedException.class);
        assertThatThrownBy(() -> decoder.decodeJson("{\"resourceMetrics\": [".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(PayloadRejectedException.class).hasMessageContaining("malformed OTLP/JSON");
        assertThatThrownBy(() -> decoder.decodeJson("{\"resourceMetrics\": 12}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(PayloadRejectedException.class);
        assertThatThrownBy(() -> decoder.decodeJson("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                        .repeat(50).getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(PayloadRejectedException.class);
        // An empty request is valid OTLP and yields nothing.
        assertThat(decoder.decodeProtobuf(new byte[0]).rows()).isEmpty();
        assertThat(decoder.decodeJson("{}".getBytes(StandardCharsets.UTF_8)).rows()).isEmpty();
    }

    @Test
    void refusesOversizePayloadsAndAbsurdPointCounts() {
        OtlpMetricsDecoder small = new OtlpMetricsDecoder(new DecodeLimits(4096, 10, 16));
        byte[] big = OtlpFixtures.heapAfterGc("i", 100, 1).toByteArray();
        byte[] manyPoints = OtlpFixtures.heapAfterGc("i", 11, 1).toByteArray();

        assertThatThrownBy(() -> small.decodeProtobuf(big))
                .isInstanceOfSatisfying(PayloadRejectedException.class, e -> assertThat(e.tooLarge()).isTrue())
                .hasMessageContaining("exceeds the limit of 4096 bytes");
        assertThatThrownBy(() -> small.decodeProtobuf(manyPoints))
                .isInstanceOfSatisfying(PayloadRejectedException.class, e -> assertThat(e.tooLarge()).isTrue())
                .hasMessageContaining("too many data points").hasMessageContaining("11 > limit 10");
    }

    @Test
    void truncatesHugeAttributeValuesAndFallsBackForMissingIdentity() {
        Metric gauge = Metric.newBuilder().setName("g").setGauge(Gauge.newBuilder().addDataPoints(
                NumberDataPoint.newBuilder().setTimeUnixNano(T0_NANOS).setAsInt(1).addAttributes(attr("big", "x".repeat(10_000)))))
                .build();
        ExportMetricsServiceRequest request = ExportMetricsServiceRequest.newBuilder().addResourceMetrics(
                ResourceMetrics.newBuilder().setResource(Resource.getDefaultInstance())
                        .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(gauge))).build();

        MetricRow row = decoder.decode(request).rows().getFirst();

        assertThat(row.attributes().get("big")).hasSize(DecodeLimits.DEFAULT_MAX_ATTRIBUTE_VALUE_CHARS);
        assertThat(row.service()).isEqualTo("unknown_service");
        assertThat(row.instance()).isEqualTo("unknown");
        assertThat(row.version()).isEmpty();
        assertThat(row.resource()).isEmpty();
    }
}
