package io.leakwatch.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.leakwatch.store.MetricKind;
import io.leakwatch.store.MetricRow;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.DataPointFlags;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns an OTLP {@code ExportMetricsServiceRequest} (protobuf, or OTLP/JSON) into {@link MetricRow}s.
 *
 * <p>Promises: every metric kind is kept, whatever its name (unknown metrics are stored, not dropped);
 * gauges and sums keep their value, temporality and monotonicity; explicit histograms keep
 * count/sum/min/max/bounds/bucket counts; exponential histograms and summaries keep count and sum (and a
 * summary's 0 and 1 quantiles as min and max). Point and resource attributes of any type are rendered as
 * strings (arrays and key-value lists as JSON). Exemplars are ignored. A payload over
 * {@link DecodeLimits#maxPayloadBytes()} or with more than {@link DecodeLimits#maxDataPoints()} points,
 * or that is not a metrics export request, is refused as a whole with a {@link PayloadRejectedException};
 * single points without a value or a time are counted as rejected and the rest is kept (OTLP partial
 * success).
 *
 * <p>Thread-safe and stateless; the methods are CPU-bound, so call them off the event loop.
 */
public final class OtlpMetricsDecoder {

    /** OpenTelemetry's value for a service that did not name itself. */
    static final String UNKNOWN_SERVICE = "unknown_service";
    static final String UNKNOWN_INSTANCE = "unknown";

    private static final ObjectMapper JACKSON = new ObjectMapper();
    private static final JsonFormat.Parser JSON_PARSER = JsonFormat.parser().ignoringUnknownFields();
    private static final int NO_RECORDED_VALUE = DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE;

    /** Distinct short strings shared across decoded rows: ~100 bytes each, so at most ~6 MB. */
    static final int POOLED_STRINGS = 65_536;

    private final DecodeLimits limits;
    private final StringPool strings = new StringPool(POOLED_STRINGS);

    public OtlpMetricsDecoder(DecodeLimits limits) {
        this.limits = limits;
    }

    public DecodeLimits limits() {
        return limits;
    }

    /** Decodes a protobuf-encoded request (OTLP/HTTP binary, or a Kafka record value). */
    public DecodedMetrics decodeProtobuf(byte[] payload) {
        return decode(parseProtobuf(payload));
    }

    /** Decodes an OTLP/JSON request. */
    public DecodedMetrics decodeJson(byte[] payload) {
        return decode(parseJson(payload));
    }

    public ExportMetricsServiceRequest parseProtobuf(byte[] payload) {
        checkSize(payload.length);
        ExportMetricsServiceRequest request;
        try {
            request = ExportMetricsServiceRequest.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            throw new PayloadRejectedException("malformed OTLP protobuf: " + e.getMessage(), false, e);
        }
        // Protobuf parses many random byte strings as a message made only of unknown fields. Such a
        // "request" carries no metrics and almost certainly is not one, so it is refused rather than
        // acknowledged as an empty export.
        if (request.getResourceMetricsCount() == 0 && !request.getUnknownFields().asMap().isEmpty()) {
            throw new PayloadRejectedException(
                    "not an OTLP ExportMetricsServiceRequest: no resource_metrics, only unknown fields", false);
        }
        return request;
    }

    public ExportMetricsServiceRequest parseJson(byte[] payload) {
        checkSize(payload.length);
        String json = new String(payload, StandardCharsets.UTF_8);
        ExportMetricsServiceRequest.Builder builder = ExportMetricsServiceRequest.newBuilder();
        try {
            // OTLP/JSON writes exemplar trace/span ids as hex, which the protobuf JSON mapping would read
            // as base64 (wrongly, or failing on some inputs). Exemplars are not stored, so they are removed
            // from the tree before the protobuf mapping sees them.
            if (json.contains("\"exemplars\"")) {
                JsonNode tree = JACKSON.readTree(json);
                dropExemplars(tree);
                json = JACKSON.writeValueAsString(tree);
            }
            JSON_PARSER.merge(json, builder);
        } catch (IOException | RuntimeException e) {
            throw new PayloadRejectedException("malformed OTLP/JSON: " + shortMessage(e), false, e);
        } catch (StackOverflowError e) {
            throw new PayloadRejectedException("malformed OTLP/JSON: nested too deeply", false);
        }
        return builder.build();
    }

    /** Converts a parsed request into rows; refuses it when it holds more points than the limit. */
    public DecodedMetrics decode(ExportMetricsServiceRequest request) {
        long points = countPoints(request);
        if (points > limits.maxDataPoints()) {
            throw new PayloadRejectedException("too many data points in one request: " + points
                    + " > limit " + limits.maxDataPoints() + "; send smaller batches", true);
        }
        Rejections rejections = new Rejections();
        List<MetricRow> rows = new ArrayList<>((int) points);
        for (ResourceMetrics rm : request.getResourceMetricsList()) {
            ResourceIdentity identity = resourceIdentity(rm.getResource().getAttributesList());
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                for (Metric metric : sm.getMetricsList()) {
                    decodeMetric(identity, metric, rows, rejections);
                }
            }
        }
        return beyondRetentionRejected(rows, rejections);
    }

    /**
     * Refuses the points older than the retention: the table's TTL would delete them as soon as they landed, so
     * the sender learns it from the partial-success reply (and the telemetry counts them) instead of losing them
     * silently behind a plain success.
     */
    private DecodedMetrics beyondRetentionRejected(List<MetricRow> rows, Rejections rejections) {
        if (limits.retention().isZero() || rows.isEmpty()) {
            return new DecodedMetrics(rows, rejections.count, rejections.firstReason);
        }
        long cutoff = System.currentTimeMillis() - limits.retention().toMillis();
        List<MetricRow> kept = new ArrayList<>(rows.size());
        long old = 0;
        for (MetricRow r : rows) {
            if (r.timeMillis() < cutoff) {
                old++;
            } else {
                kept.add(r);
            }
        }
        if (old == 0) {
            return new DecodedMetrics(rows, rejections.count, rejections.firstReason);
        }
        Duration retention = limits.retention();
        String reason = old + " data points older than the retention of "
                + (retention.toDays() > 0 ? retention.toDays() + " days" : retention.toMinutes() + " minutes") + " (before " + Instant.ofEpochMilli(cutoff).truncatedTo(ChronoUnit.SECONDS)
                + ") are not stored";
        return new DecodedMetrics(kept, rejections.count + old,
                rejections.count == 0 ? reason : rejections.firstReason + "; " + reason);
    }

    private void checkSize(int size) {
        if (size > limits.maxPayloadBytes()) {
            throw new PayloadRejectedException("payload of " + size + " bytes exceeds the limit of "
                    + limits.maxPayloadBytes() + " bytes", true);
        }
    }

    private static long countPoints(ExportMetricsServiceRequest request) {
        long n = 0;
        for (ResourceMetrics rm : request.getResourceMetricsList()) {
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                for (Metric m : sm.getMetricsList()) {
                    n += switch (m.getDataCase()) {
                        case GAUGE -> m.getGauge().getDataPointsCount();
                        case SUM -> m.getSum().getDataPointsCount();
                        case HISTOGRAM -> m.getHistogram().getDataPointsCount();
                        case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getDataPointsCount();
                        case SUMMARY -> m.getSummary().getDataPointsCount();
                        case DATA_NOT_SET -> 0;
                    };
                }
            }
        }
        return n;
    }

    private void decodeMetric(ResourceIdentity id, Metric metric, List<MetricRow> rows, Rejections rejections) {
        String name = strings.share(metric.getName());
        String unit = strings.share(metric.getUnit());
        switch (metric.getDataCase()) {
            case GAUGE -> {
                for (NumberDataPoint p : metric.getGauge().getDataPointsList()) {
                    number(id, name, unit, MetricKind.GAUGE, false, false, p, rows, rejections);
                }
            }
            case SUM -> {
                var sum = metric.getSum();
                boolean delta = sum.getAggregationTemporality() == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
                for (NumberDataPoint p : sum.getDataPointsList()) {
                    number(id, name, unit, MetricKind.SUM, sum.getIsMonotonic(), delta, p, rows, rejections);
                }
            }
            case HISTOGRAM -> {
                var h = metric.getHistogram();
                boolean delta = h.getAggregationTemporality() == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
                for (HistogramDataPoint p : h.getDataPointsList()) {
                    histogram(id, name, unit, delta, p, rows, rejections);
                }
            }
            case EXPONENTIAL_HISTOGRAM -> {
                var h = metric.getExponentialHistogram();
                boolean delta = h.getAggregationTemporality() == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
                for (ExponentialHistogramDataPoint p : h.getDataPointsList()) {
                    if (skipOrReject(name, p.getFlags(), p.getTimeUnixNano(), rejections)) {
                        continue;
                    }
                    rows.add(new MetricRow(millis(p.getTimeUnixNano()), millis(p.getStartTimeUnixNano()),
                            id.service, id.version, id.instance, id.host, id.environment, id.resource,
                            name, unit, MetricKind.EXPONENTIAL_HISTOGRAM, false, delta,
                            attributes(p.getAttributesList()), p.hasSum() ? p.getSum() : Double.NaN,
                            p.getCount(), p.hasMin() ? p.getMin() : Double.NaN, p.hasMax() ? p.getMax() : Double.NaN,
                            List.of(), List.of()));
                }
            }
            case SUMMARY -> {
                for (SummaryDataPoint p : metric.getSummary().getDataPointsList()) {
                    if (skipOrReject(name, p.getFlags(), p.getTimeUnixNano(), rejections)) {
                        continue;
                    }
                    double min = Double.NaN;
                    double max = Double.NaN;
                    for (SummaryDataPoint.ValueAtQuantile q : p.getQuantileValuesList()) {
                        if (q.getQuantile() == 0.0) {
                            min = q.getValue();
                        } else if (q.getQuantile() == 1.0) {
                            max = q.getValue();
                        }
                    }
                    rows.add(new MetricRow(millis(p.getTimeUnixNano()), millis(p.getStartTimeUnixNano()),
                            id.service, id.version, id.instance, id.host, id.environment, id.resource,
                            name, unit, MetricKind.SUMMARY, false, false, attributes(p.getAttributesList()),
                            p.getSum(), p.getCount(), min, max, List.of(), List.of()));
                }
            }
            case DATA_NOT_SET -> {
                // A metric with no data carries no points: nothing to store and nothing to reject.
            }
        }
    }

    private void number(ResourceIdentity id, String name, String unit, MetricKind kind, boolean monotonic,
                        boolean delta, NumberDataPoint p, List<MetricRow> rows, Rejections rejections) {
        if (skipOrReject(name, p.getFlags(), p.getTimeUnixNano(), rejections)) {
            return;
        }
        double value;
        switch (p.getValueCase()) {
            case AS_DOUBLE -> value = p.getAsDouble();
            case AS_INT -> value = p.getAsInt();
            default -> {
                rejections.reject("data point of metric '" + name + "' has no value");
                return;
            }
        }
        rows.add(new MetricRow(millis(p.getTimeUnixNano()), millis(p.getStartTimeUnixNano()),
                id.service, id.version, id.instance, id.host, id.environment, id.resource,
                name, unit, kind, monotonic, delta, attributes(p.getAttributesList()), value,
                0, Double.NaN, Double.NaN, List.of(), List.of()));
    }

    private void histogram(ResourceIdentity id, String name, String unit, boolean delta, HistogramDataPoint p,
                           List<MetricRow> rows, Rejections rejections) {
        if (skipOrReject(name, p.getFlags(), p.getTimeUnixNano(), rejections)) {
            return;
        }
        List<Double> bounds = List.copyOf(p.getExplicitBoundsList());
        List<Long> counts = List.copyOf(p.getBucketCountsList());
        rows.add(new MetricRow(millis(p.getTimeUnixNano()), millis(p.getStartTimeUnixNano()),
                id.service, id.version, id.instance, id.host, id.environment, id.resource,
                name, unit, MetricKind.HISTOGRAM, false, delta, attributes(p.getAttributesList()),
                p.hasSum() ? p.getSum() : Double.NaN, p.getCount(),
                p.hasMin() ? p.getMin() : Double.NaN, p.hasMax() ? p.getMax() : Double.NaN, bounds, counts));
    }

    /**
     * True when the point must not become a row. A point flagged "no recorded value" is a staleness
     * marker, valid OTLP, and skipped silently; a point without a usable time is counted as rejected.
     */
    private static boolean skipOrReject(String metric, int flags, long timeUnixNano, Rejections rejections) {
        if ((flags & NO_RECORDED_VALUE) != 0) {
            return true;
        }
        // fixed64 in the proto: a negative long here is an unsigned time after 2262, i.e. garbage.
        if (timeUnixNano <= 0) {
            rejections.reject("data point of metric '" + metric + "' has no valid time_unix_nano");
            return true;
        }
        return false;
    }

    private static long millis(long unixNano) {
        return unixNano <= 0 ? 0 : unixNano / 1_000_000L;
    }

    private ResourceIdentity resourceIdentity(List<KeyValue> attributes) {
        Map<String, String> resource = attributes(attributes);
        String service = resource.getOrDefault("service.name", "");
        String host = resource.getOrDefault("host.name", "");
        String instance = resource.getOrDefault("service.instance.id", "");
        if (instance.isEmpty()) {
            String pid = resource.getOrDefault("process.pid", "");
            instance = !host.isEmpty() && !pid.isEmpty() ? host + ":" + pid : UNKNOWN_INSTANCE;
        }
        String environment = resource.getOrDefault("deployment.environment.name",
                resource.getOrDefault("deployment.environment", ""));
        return new ResourceIdentity(service.isEmpty() ? UNKNOWN_SERVICE : service,
                resource.getOrDefault("service.version", ""), instance, host, environment, resource);
    }

    private Map<String, String> attributes(List<KeyValue> keyValues) {
        if (keyValues.isEmpty()) {
            return Map.of();
        }
        // most points carry one or two attributes (a pool, a GC name and action): no map to copy from
        if (keyValues.size() == 1) {
            return Map.of(key(keyValues.getFirst()), value(keyValues.getFirst()));
        }
        if (keyValues.size() == 2 && !keyValues.get(0).getKey().equals(keyValues.get(1).getKey())) {
            return Map.of(key(keyValues.get(0)), value(keyValues.get(0)), key(keyValues.get(1)), value(keyValues.get(1)));
        }
        Map<String, String> map = new LinkedHashMap<>(keyValues.size() * 2);
        for (KeyValue kv : keyValues) {
            map.put(key(kv), value(kv));
        }
        return Map.copyOf(map);
    }

    private String key(KeyValue kv) {
        return strings.share(kv.getKey());
    }

    private String value(KeyValue kv) {
        return strings.share(truncate(render(kv.getValue())));
    }

    private String truncate(String s) {
        return s.length() <= limits.maxAttributeValueChars() ? s : s.substring(0, limits.maxAttributeValueChars());
    }

    /** Scalars as their plain text; arrays and key-value lists as JSON. */
    static String render(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
            case INT_VALUE -> Long.toString(v.getIntValue());
            case DOUBLE_VALUE -> renderDouble(v.getDoubleValue());
            case BYTES_VALUE -> Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray());
            case ARRAY_VALUE, KVLIST_VALUE -> {
                StringBuilder sb = new StringBuilder();
                appendJson(sb, v);
                yield sb.toString();
            }
            // VALUE_NOT_SET, and value kinds newer than this decoder (e.g. string-table indexes).
            default -> "";
        };
    }

    private static String renderDouble(double d) {
        return d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private static void appendJson(StringBuilder sb, AnyValue v) {
        switch (v.getValueCase()) {
            case STRING_VALUE -> appendJsonString(sb, v.getStringValue());
            case BOOL_VALUE -> sb.append(v.getBoolValue());
            case INT_VALUE -> sb.append(v.getIntValue());
            case DOUBLE_VALUE -> {
                double d = v.getDoubleValue();
                if (Double.isFinite(d)) {
                    sb.append(renderDouble(d));
                } else {
                    appendJsonString(sb, Double.toString(d));
                }
            }
            case BYTES_VALUE -> appendJsonString(sb, Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()));
            case ARRAY_VALUE -> {
                sb.append('[');
                List<AnyValue> values = v.getArrayValue().getValuesList();
                for (int i = 0; i < values.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    appendJson(sb, values.get(i));
                }
                sb.append(']');
            }
            case KVLIST_VALUE -> {
                sb.append('{');
                List<KeyValue> values = v.getKvlistValue().getValuesList();
                for (int i = 0; i < values.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    appendJsonString(sb, values.get(i).getKey());
                    sb.append(':');
                    appendJson(sb, values.get(i).getValue());
                }
                sb.append('}');
            }
            default -> sb.append("null");
        }
    }

    private static void appendJsonString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static void dropExemplars(JsonNode node) {
        if (node instanceof ObjectNode o) {
            o.remove("exemplars");
        }
        for (JsonNode child : node) {
            dropExemplars(child);
        }
    }

    private static String shortMessage(Throwable e) {
        String m = String.valueOf(e.getMessage());
        return m.length() > 300 ? m.substring(0, 300) + "…" : m;
    }

    private record ResourceIdentity(String service, String version, String instance, String host,
                                    String environment, Map<String, String> resource) {
    }

    private static final class Rejections {
        long count;
        String firstReason = "";

        void reject(String reason) {
            if (count++ == 0) {
                firstReason = reason;
            }
        }
    }
}
