package io.leakwatch.collector.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class JvmMetricsTest {
    @Test
    void registersTheLeakSignalsWithSemanticConventionNames() {
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        try (SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build()) {
            JvmMetrics metrics = JvmMetrics.register(provider);
            System.gc(); // so usage after GC and a GC duration exist
            Collection<MetricData> collected = reader.collectAllMetrics();
            Set<String> names = collected.stream().map(MetricData::getName).collect(Collectors.toSet());

            assertThat(names).contains("jvm.memory.used", "jvm.memory.committed", "jvm.memory.limit",
                    "jvm.memory.used_after_last_gc", "jvm.thread.count", "jvm.class.count", "jvm.class.loaded",
                    "jvm.class.unloaded", "jvm.cpu.time", "jvm.buffer.memory.used", "jvm.buffer.count",
                    "jvm.file_descriptor.count", "process.memory.usage", "jvm.thread.peak", "jvm.thread.started",
                    "leakwatch.gc.reclaiming.count");
            assertThat(names).as("left out: not about this JVM's memory, or recorded by our own GC listener")
                    .doesNotContain("jvm.memory.init", "jvm.system.cpu.utilization", "jvm.system.cpu.load_1m",
                            "jvm.cpu.recent_utilization");
            assertThat(collected.stream().filter(m -> m.getName().equals("jvm.gc.duration")))
                    .as("one GC duration histogram, not one per listener").hasSizeLessThanOrEqualTo(1);
            MetricData afterGc = collected.stream().filter(m -> m.getName().equals("jvm.memory.used_after_last_gc"))
                    .findFirst().orElseThrow();
            assertThat(afterGc.getData().getPoints()).isNotEmpty().allSatisfy(point -> {
                assertThat(point.getAttributes().asMap().keySet().stream().map(Object::toString))
                        .contains("jvm.memory.pool.name", "jvm.memory.type");
            });

            metrics.close();
            metrics.close();
            assertThat(reader.collectAllMetrics()).noneMatch(m -> m.getName().equals("jvm.memory.used")
                    || m.getName().startsWith("leakwatch.gc.") || m.getName().equals("jvm.thread.peak"));
        }
    }
}
