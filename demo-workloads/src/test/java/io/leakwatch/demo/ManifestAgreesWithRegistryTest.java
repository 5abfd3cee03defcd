package io.leakwatch.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ManifestAgreesWithRegistryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode manifest() throws IOException {
        try (InputStream in = ScenarioMain.class.getResourceAsStream(Scenarios.MANIFEST)) {
            assertThat(in).as("manifest on the classpath").isNotNull();
            return JSON.readTree(in);
        }
    }

    @Test
    void sameScenariosInTheSameOrderBothWays() throws IOException {
        List<String> inManifest = new ArrayList<>();
        manifest().get("scenarios").forEach(entry -> inManifest.add(entry.get("name").asText()));
        List<String> inRegistry = Scenarios.all().stream().map(Scenario::name).toList();

        assertThat(inManifest).containsExactlyElementsOf(inRegistry);
    }

    @Test
    void everyEntryDescribesItsScenarioExactly() throws IOException {
        for (JsonNode entry : manifest().get("scenarios")) {
            Scenario scenario = Scenarios.byName(entry.get("name").asText()).orElseThrow();
            String name = scenario.name();
            assertThat(entry.get("label").asText()).as(name).isEqualTo(scenario.label().wireName());
            assertThat(entry.get("signal").asText()).as(name).isEqualTo(scenario.signal().wireName());
            assertThat(entry.get("unit").asText()).as(name).isEqualTo(scenario.signal().rateUnit());
            assertThat(entry.get("expectedRate").asDouble()).as(name).isEqualTo(scenario.expectedRate());
            assertThat(entry.get("description").asText()).as(name).isEqualTo(scenario.description());
            TreeSet<String> also = new TreeSet<>();
            entry.get("alsoMoves").forEach(signal -> also.add(signal.asText()));
            assertThat(also).as(name).containsExactlyInAnyOrderElementsOf(
                    scenario.alsoMoves().stream().map(Signal::wireName).toList());
            Map<String, String> defaults = new HashMap<>();
            entry.get("defaultArgs").properties().forEach(field -> defaults.put(field.getKey(),
                    field.getValue().asText()));
            assertThat(defaults).as(name).isEqualTo(scenario.defaultArgs());
        }
    }

    @Test
    void everyScenarioHasARateDefaultThatParses() {
        for (Scenario scenario : Scenarios.all()) {
            ScenarioSettings settings = ScenarioSettings.parse(scenario, Map.of());
            assertThat(settings.rate()).as(scenario.name()).isPositive();
            assertThat(scenario.name()).matches("[a-z][a-z0-9-]*");
            assertThat(scenario.label() == Label.LEAK).as(scenario.name()).isEqualTo(scenario.expectedRate() > 0);
        }
    }

    @Test
    void labelsCoverLeaksAndTheirLookAlikes() {
        assertThat(Scenarios.all()).filteredOn(s -> s.label() == Label.LEAK).hasSize(13);
        assertThat(Scenarios.all()).filteredOn(s -> s.label() == Label.HEALTHY).hasSize(6);
    }
}
