package io.leakwatch.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScenarioSettingsTest {
    private final Scenario staticMap = Scenarios.byName("static-map").orElseThrow();
    private final Scenario batch = Scenarios.byName("batch-accumulate-release").orElseThrow();

    @Test
    void defaultsComeFromTheScenarioAndTheCommonKeys() {
        ScenarioSettings settings = ScenarioSettings.parse(staticMap, Map.of());

        assertThat(settings.rate()).isEqualTo(64);
        assertThat(settings.garbageMbPerSecond()).isEqualTo(20);
        assertThat(settings.duration()).isNull();
        assertThat(settings.period()).isNull();
    }

    @Test
    void argumentsOverrideDefaults() {
        ScenarioSettings settings = ScenarioSettings.parse(batch,
                Map.of("rate", "0.25", "period", "1500ms", "duration", "2h", "garbage-mb-per-s", "0"));

        assertThat(settings.rate()).isEqualTo(0.25);
        assertThat(settings.period()).isEqualTo(Duration.ofMillis(1500));
        assertThat(settings.duration()).isEqualTo(Duration.ofHours(2));
        assertThat(settings.garbageMbPerSecond()).isZero();
    }

    @Test
    void rejectsKeysTheScenarioDoesNotTake() {
        assertThatThrownBy(() -> ScenarioSettings.parse(staticMap, Map.of("period", "1s")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not take 'period'");
    }

    @Test
    void rejectsMalformedValuesNamingKeyAndValue() {
        assertThatThrownBy(() -> ScenarioSettings.parse(staticMap, Map.of("rate", "fast")))
                .hasMessageContaining("rate").hasMessageContaining("fast");
        assertThatThrownBy(() -> ScenarioSettings.parse(staticMap, Map.of("rate", "-1"))).hasMessageContaining("rate");
        assertThatThrownBy(() -> ScenarioSettings.parse(staticMap, Map.of("rate", "NaN"))).hasMessageContaining("rate");
        assertThatThrownBy(() -> ScenarioSettings.parse(staticMap, Map.of("duration", "10"))).hasMessageContaining("duration");
        assertThatThrownBy(() -> ScenarioSettings.parse(staticMap, Map.of("duration", "99999h")))
                .hasMessageContaining("duration");
        assertThatThrownBy(() -> ScenarioSettings.parse(batch, Map.of("period", "10ms"))).hasMessageContaining("period");
        assertThatThrownBy(() -> ScenarioSettings.parse(staticMap, Map.of("garbage-mb-per-s", "99999")))
                .hasMessageContaining("garbage-mb-per-s");
    }
}
