package io.leakwatch.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.leakwatch.testing.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoFleetTest {
    private static final Path AGENT_JAR = Path.of("../collector/target/leakwatch-agent.jar");

    @TempDir
    Path logs;

    @Test
    void restartsAMemberThatDiesAndStopsEveryChildOnClose() throws Exception {
        DemoFleet.Member shortLived = new DemoFleet.Member("checkout", "1.5.0", "checkout-9",
                List.of("scenario=static-map", "duration=1s"));
        // Nothing listens on this port: the agent must carry on regardless.
        DemoFleet fleet = DemoFleet.start(List.of(shortLived), AGENT_JAR, FreePorts.pick(), logs);
        long firstPid = fleet.handles().getFirst().pid();

        await().atMost(Duration.ofSeconds(60)).until(() ->
                !fleet.handles().isEmpty() && fleet.handles().getFirst().pid() != firstPid);
        List<ProcessHandle> running = fleet.handles();
        fleet.close();

        assertThat(running).noneMatch(ProcessHandle::isAlive);
        assertThat(fleet.size()).isZero();
        assertThat(logs.resolve("checkout-9.log")).isRegularFile();
    }

    @Test
    void missingAgentJarIsAClearError() {
        assertThatThrownBy(() -> DemoFleet.start(DemoFleet.defaultFleet(64), logs.resolve("absent.jar"), 4318, logs))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("agent jar not found");
    }

    @Test
    void defaultFleetHasAHealthyAndALeakingVersionOfOneService() {
        List<DemoFleet.Member> fleet = DemoFleet.defaultFleet(128);
        assertThat(fleet).filteredOn(m -> m.service().equals("checkout")).extracting(DemoFleet.Member::version)
                .contains("1.4.2", "1.5.0");
        assertThat(fleet).extracting(DemoFleet.Member::instanceId).doesNotHaveDuplicates();
    }
}
