package io.leakwatch.store;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The writer's own RowBinary encoding is byte for byte what client-v2's RowBinary writer produces. */
class ClickHouseMetricWriterEncodingTest {

    @Test
    void handWrittenRowBinaryEqualsTheClientWritersBytes() {
        Map<String, String> resource = new LinkedHashMap<>();
        resource.put("service.name", "checkout");
        resource.put("host.name", "nöde-7 ✓"); // non-ASCII goes through UTF-8
        resource.put("long", "x".repeat(300)); // a length needing a two-byte varint
        List<MetricRow> rows = List.of(
                MetricRow.scalar(1_700_000_000_123L, "checkout", "1.2.3", "i-1", "jvm.memory.used", "By",
                        MetricKind.GAUGE, Map.of("jvm.memory.pool.name", "G1 Old Gen"), 123.5),
                new MetricRow(1_700_000_010_000L, 1_699_999_000_000L, "checkout", "", "i-2", "node", "prod", resource,
                        "jvm.gc.duration", "s", MetricKind.HISTOGRAM, false, true, Map.of(), 0.25, 7, 0.001, 0.2,
                        List.of(0.01, 0.1, 1.0), List.of(1L, 5L, 1L, 0L)),
                new MetricRow(-5, 0, null, null, null, null, null, null, "m", null, MetricKind.SUM, true, false, null,
                        Double.NaN, Long.MAX_VALUE, Double.NaN, Double.NEGATIVE_INFINITY, null, null),
                MetricRow.scalar(0, "s", "v", "i", "x", "1", MetricKind.SUMMARY, Map.of(), -0.0),
                MetricRow.scalar(0, "s", "v", "i", "x", "1", MetricKind.EXPONENTIAL_HISTOGRAM, Map.of(), 1e300));

        assertThat(ClickHouseMetricWriter.encode(rows)).isEqualTo(ClickHouseMetricWriter.encodeWithClientWriter(rows));
    }
}
