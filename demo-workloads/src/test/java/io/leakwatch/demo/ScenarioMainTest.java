package io.leakwatch.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ScenarioMainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws InterruptedException {
        return ScenarioMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void listPrintsTheManifest() throws InterruptedException {
        assertThat(run("list")).isZero();

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(ScenarioMain.manifest()).contains("\"static-map\"");
    }

    @Test
    void unknownScenarioIsOneLineAndExitTwo() throws InterruptedException {
        assertThat(run("scenario=no-such-leak")).isEqualTo(2);

        assertThat(stderr()).contains("unknown scenario 'no-such-leak'").contains("static-map");
        assertThat(stderr().strip().lines()).hasSize(1);
    }

    @Test
    void badValueIsOneLineAndExitTwo() throws InterruptedException {
        assertThat(run("scenario=static-map", "rate=lots")).isEqualTo(2);

        assertThat(stderr()).contains("rate").contains("lots");
        assertThat(stderr().strip().lines()).hasSize(1);
    }

    @Test
    void missingScenarioOrMalformedArgumentIsAUsageError() throws InterruptedException {
        assertThat(run("rate=1")).isEqualTo(2);
        assertThat(run("static-map")).isEqualTo(2);
        assertThat(run("scenario=static-map", "scenario=static-map")).isEqualTo(2);
    }

    @Test
    void runsAScenarioForItsDurationAndReturnsZero() throws InterruptedException {
        assertThat(run("scenario=static-map", "rate=128", "duration=300ms", "garbage-mb-per-s=1")).isZero();

        assertThat(out.toString(StandardCharsets.UTF_8)).contains("scenario static-map (leak, heap)");
    }
}
