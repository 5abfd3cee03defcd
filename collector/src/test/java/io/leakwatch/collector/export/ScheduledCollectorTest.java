package io.leakwatch.collector.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leakwatch.collector.DaemonThreads;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ScheduledCollectorTest {
    @Test
    void collectsOnScheduleSurvivesAThrowingCallbackAndFlushesOnShutdown() {
        QueueingExporterTest.FakeExporter fake = new QueueingExporterTest.FakeExporter();
        ScheduledCollector collector = new ScheduledCollector(fake, Duration.ofMillis(100), new DaemonThreads("test-collect"));
        SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(collector).build();
        AtomicInteger calls = new AtomicInteger();
        provider.get("test").gaugeBuilder("fine").buildWithCallback(m -> m.record(calls.incrementAndGet()));
        provider.get("test").gaugeBuilder("broken").buildWithCallback(m -> {
            throw new IllegalStateException("a broken callback");
        });

        await().atMost(Duration.ofSeconds(5)).until(() -> fake.attempts.size() >= 3);
        assertThat(fake.attempts).allSatisfy(snapshot ->
                assertThat(snapshot.stream().map(MetricData::getName)).contains("fine"));
        assertThat(Thread.getAllStackTraces().keySet().stream().map(Thread::getName)).contains("test-collect");

        int before = fake.attempts.size();
        assertThat(provider.shutdown().join(5, TimeUnit.SECONDS).isSuccess()).isTrue();
        assertThat(fake.attempts.size()).isGreaterThan(before);
        assertThat(fake.shutDown).isTrue();
    }
}
