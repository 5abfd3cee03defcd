package io.leakwatch.bench.traces;

import io.leakwatch.testing.RecordedTraces;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RecordedTracesTest {

    @Test
    void everyScenarioOfTheZooIsRecordedWithALabel() {
        assertThat(RecordedTraces.available()).hasSize(19);
        for (String scenario : RecordedTraces.available()) {
            RecordedTraces.Label label = RecordedTraces.label(scenario);
            assertThat(label.scenario()).isEqualTo(scenario);
            assertThat(label.label()).isIn("leak", "healthy");
            assertThat(label.isLeak() ? label.rate() > 0 && label.leakStartSeconds() >= 0 : label.rate() == 0).isTrue();
            assertThat(label.intervalSeconds()).isEqualTo(1);
            assertThat(label.durationSeconds()).isGreaterThanOrEqualTo(60);
        }
    }

    @Test
    void requestsAreOtlpExportsOfTheLabelledInstanceInArrivalOrder() throws Exception {
        for (String scenario : RecordedTraces.available()) {
            List<RecordedTraces.Request> requests = RecordedTraces.read(scenario);
            RecordedTraces.Label label = RecordedTraces.label(scenario);
            assertThat(requests).hasSizeGreaterThan((int) label.durationSeconds() / 2);
            for (int i = 1; i < requests.size(); i++) {
                assertThat(requests.get(i).arrivalMillis()).isGreaterThanOrEqualTo(requests.get(i - 1).arrivalMillis());
            }
            ExportMetricsServiceRequest first = ExportMetricsServiceRequest.parseFrom(requests.getFirst().protobuf());
            List<KeyValue> resource = first.getResourceMetrics(0).getResource().getAttributesList();
            assertThat(resource).anySatisfy(kv -> {
                assertThat(kv.getKey()).isEqualTo("service.instance.id");
                assertThat(kv.getValue().getStringValue()).isEqualTo(label.instanceId());
            });
        }
    }
}
