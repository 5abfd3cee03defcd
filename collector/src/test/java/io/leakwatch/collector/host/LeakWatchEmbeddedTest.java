package io.leakwatch.collector.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leakwatch.collector.LeakWatch;
import io.leakwatch.collector.config.CollectorConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link LeakWatch#start} as an embedding application calls it, exporting to a real OTLP/HTTP receiver. */
class LeakWatchEmbeddedTest {
    @Test
    void startExportsStartsOnceAndClosesIdempotently() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            CollectorConfig config = CollectorConfig.builder()
                    .otlpEndpoint(receiver.endpoint())
                    .interval(Duration.ofSeconds(1))
                    .serviceName("embedded")
                    .build();

            LeakWatch first = LeakWatch.start(config);
            LeakWatch second = LeakWatch.start(config.toBuilder().serviceName("other").build());

            assertThat(first.isRunning()).isTrue();
            assertThat(second).isSameAs(first);
            assertThat(LeakWatch.current()).contains(first);
            await().atMost(Duration.ofSeconds(15)).until(() -> !receiver.received().isEmpty());
            ExportedMetrics exported = new ExportedMetrics(receiver.received().stream().map(OtlpReceiver.Received::request).toList());
            assertThat(exported.resource()).containsEntry("service.name", "embedded");
            assertThat(exported.names()).contains("jvm.memory.used_after_last_gc", "leakwatch.collector.snapshots.dropped");

            first.close();
            first.close();

            assertThat(first.isRunning()).isFalse();
            assertThat(LeakWatch.current()).isEmpty();
        }
    }
}
