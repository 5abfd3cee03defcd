package io.leakwatch.queryapi;

import io.leakwatch.store.SeriesPoint;
import io.vertx.core.json.JsonArray;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SeriesGroupingTest {

    @Test
    void groupsByAttributeSetKeepingArrivalAndTimeOrder() {
        Map<String, String> old = Map.of("jvm.memory.pool.name", "G1 Old Gen", "jvm.memory.type", "heap");
        Map<String, String> eden = Map.of("jvm.memory.type", "heap", "jvm.memory.pool.name", "G1 Eden Space");
        JsonArray series = SeriesGrouping.group(List.of(
                new SeriesPoint(old, 1000, 10),
                new SeriesPoint(eden, 1000, 1),
                new SeriesPoint(old, 2000, 20),
                new SeriesPoint(eden, 2000, Double.NaN)));

        assertThat(series.encode()).isEqualTo("["
                + "{\"attributes\":{\"jvm.memory.pool.name\":\"G1 Old Gen\",\"jvm.memory.type\":\"heap\"},"
                + "\"points\":[[1000,10.0],[2000,20.0]]},"
                + "{\"attributes\":{\"jvm.memory.pool.name\":\"G1 Eden Space\",\"jvm.memory.type\":\"heap\"},"
                + "\"points\":[[1000,1.0],[2000,null]]}]");
    }

    @Test
    void noPointsMeansNoSeries() {
        assertThat(SeriesGrouping.group(List.of())).isEmpty();
    }
}
