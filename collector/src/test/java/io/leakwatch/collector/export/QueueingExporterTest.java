package io.leakwatch.collector.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leakwatch.collector.DaemonThreads;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class QueueingExporterTest {
    /** A fake exporter: records what it was given, fails while told to, and can be held up. */
    static final class FakeExporter implements MetricExporter {
        final List<Collection<MetricData>> attempts = new CopyOnWriteArrayList<>();
        final AtomicBoolean failing = new AtomicBoolean();
        final Semaphore gate = new Semaphore(Integer.MAX_VALUE);
        final AtomicBoolean shutDown = new AtomicBoolean();
        final java.util.concurrent.atomic.AtomicInteger entered = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public CompletableResultCode export(Collection<MetricData> metrics) {
            entered.incrementAndGet();
            gate.acquireUninterruptibly();
            attempts.add(metrics);
            return failing.get() ? CompletableResultCode.ofFailure() : CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            shutDown.set(true);
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
            return AggregationTemporality.CUMULATIVE;
        }
    }

    private static QueueingExporter queue(FakeExporter fake, int capacity) {
        return new QueueingExporter(fake, capacity, Duration.ofSeconds(1), new DaemonThreads("test-export"));
    }

    @Test
    void exportNeverWaitsAndAFullQueueDropsTheOldestAndCountsIt() {
        FakeExporter fake = new FakeExporter();
        fake.gate.drainPermits(); // the real exporter hangs
        QueueingExporter queue = queue(fake, 2);

        assertThat(queue.export(List.of()).isSuccess()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> fake.entered.get() == 1);
        for (int i = 0; i < 4; i++) {
            assertThat(queue.export(List.of()).isSuccess()).isTrue();
        }

        // one snapshot is held by the hung sender, two wait, two were dropped
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(queue.droppedSnapshots()).isEqualTo(2));
        assertThat(queue.queued()).isEqualTo(2);
        fake.gate.release(Integer.MAX_VALUE / 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> queue.exportedSnapshots() == 3);
    }

    @Test
    void failedSnapshotIsRetriedUntilTheExporterRecovers() {
        FakeExporter fake = new FakeExporter();
        fake.failing.set(true);
        QueueingExporter queue = queue(fake, 4);

        queue.export(List.of());
        await().atMost(Duration.ofSeconds(5)).until(() -> fake.attempts.size() >= 2);
        assertThat(queue.exportedSnapshots()).isZero();
        fake.failing.set(false);

        await().atMost(Duration.ofSeconds(10)).until(() -> queue.exportedSnapshots() == 1);
        assertThat(queue.queued()).isZero();
        assertThat(queue.droppedSnapshots()).isZero();
    }

    @Test
    void shutdownSendsWhatIsQueuedOnceAndShutsTheExporterDown() {
        FakeExporter fake = new FakeExporter();
        fake.failing.set(true);
        QueueingExporter queue = queue(fake, 4);
        queue.export(List.of());
        await().atMost(Duration.ofSeconds(5)).until(() -> fake.attempts.size() >= 1);
        queue.export(List.of());

        CompletableResultCode done = queue.shutdown();

        assertThat(done.join(5, java.util.concurrent.TimeUnit.SECONDS).isSuccess()).isTrue();
        assertThat(fake.shutDown).isTrue();
        assertThat(queue.queued()).isZero();
        assertThat(queue.droppedSnapshots()).as("failed during shutdown: dropped, not retried").isEqualTo(2);
    }
}
