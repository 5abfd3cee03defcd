package io.leakwatch.collector.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.tools.attach.VirtualMachine;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The agent loaded into an already running JDK 17 host through the attach API ({@code agentmain}). */
class DynamicAttachIT {
    @Test
    void attachedAgentExportsAndTheHostEndsNormally() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            HostJvm.Running host = HostJvm.start("17", "-XX:+UseSerialGC", "", Map.of(), 8000);
            // Attaching before the JVM handles the attach signal would kill it: wait for main to run.
            await().atMost(Duration.ofSeconds(30)).until(() -> host.stdout().contains("HOST STARTED"));

            VirtualMachine vm = VirtualMachine.attach(String.valueOf(host.process().pid()));
            try {
                vm.loadAgent(HostJvm.agentJar().toAbsolutePath().toString(),
                        "otlp.endpoint=" + receiver.endpoint() + ",interval=1s,service.name=attached");
            } finally {
                vm.detach();
            }

            await().atMost(Duration.ofSeconds(20)).until(() -> !receiver.received().isEmpty());
            HostJvm.Result result = host.finish();
            assertThat(result.exitCode()).as(result.stderr()).isZero();
            assertThat(result.stdout()).contains("HOST DONE");
            assertThat(new ExportedMetrics(receiver.received().stream().map(OtlpReceiver.Received::request).toList()).resource())
                    .containsEntry("service.name", "attached");
        }
    }
}
