package io.leakwatch.collector.metrics;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import org.junit.jupiter.api.Test;

class ProcessMemoryTest {
    @Test
    void reportsVmRssInBytes() {
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        try (SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build()) {
            ProcessMemory.registerObservers(provider.get("test"), () -> "Name:\tjava\nVmRSS:\t  123456 kB\nThreads:\t9\n");

            assertThat(reader.collectAllMetrics()).singleElement().satisfies(metric ->
                    assertThat(metric).hasName("process.memory.usage").hasUnit("By")
                            .hasLongSumSatisfying(sum -> sum.hasPointsSatisfying(p -> p.hasValue(123456L * 1024))));
        }
    }

    @Test
    void registersNothingWithoutProcStatus() {
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        try (SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build()) {
            assertThat(ProcessMemory.registerObservers(provider.get("test"), () -> null)).isEmpty();
            assertThat(reader.collectAllMetrics()).isEmpty();
        }
    }

    @Test
    void parsesOnlyTheRssLine() {
        assertThat(ProcessMemory.residentBytes("VmRSS:\tgarbage kB")).isEmpty();
        assertThat(ProcessMemory.residentBytes("VmHWM:\t1 kB")).isEmpty();
    }
}
