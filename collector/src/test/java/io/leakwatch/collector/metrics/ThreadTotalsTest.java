package io.leakwatch.collector.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import org.junit.jupiter.api.Test;

class ThreadTotalsTest {
    @Test
    void exportsPeakAsAGaugeAndStartedThreadsAsAMonotonicCounter() throws Exception {
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        try (SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build()) {
            ThreadTotals.registerObservers(provider.get("test"));
            long startedBefore = started(reader);

            Thread thread = new Thread(() -> { }, "leakwatch-test-started");
            thread.start();
            thread.join();

            var metrics = reader.collectAllMetrics();
            assertThat(metrics).filteredOn(m -> m.getName().equals("jvm.thread.peak")).singleElement().satisfies(m -> {
                assertThat(m.getType()).isEqualTo(MetricDataType.LONG_GAUGE);
                assertThat(m.getUnit()).isEqualTo("{thread}");
                assertThat(m.getLongGaugeData().getPoints()).singleElement()
                        .satisfies(p -> assertThat(p.getValue()).isGreaterThanOrEqualTo(Thread.activeCount()));
            });
            assertThat(metrics).filteredOn(m -> m.getName().equals("jvm.thread.started")).singleElement().satisfies(m -> {
                assertThat(m.getLongSumData().isMonotonic()).isTrue();
                assertThat(m.getLongSumData().getPoints()).singleElement()
                        .satisfies(p -> assertThat(p.getValue()).isGreaterThan(startedBefore));
            });
        }
    }

    private static long started(InMemoryMetricReader reader) {
        return reader.collectAllMetrics().stream().filter(m -> m.getName().equals("jvm.thread.started"))
                .flatMap(m -> m.getLongSumData().getPoints().stream()).mapToLong(LongPointData::getValue)
                .findFirst().orElseThrow();
    }
}
