package io.leakwatch.ingest;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StringPoolTest {

    @Test
    void equalStringsBecomeOneInstanceUntilThePoolIsFull() {
        StringPool pool = new StringPool(2);
        String a = pool.share(new String("jvm.memory.used"));

        assertThat(pool.share(new String("jvm.memory.used"))).isSameAs(a);
        String b = pool.share(new String("By"));
        String third = new String("G1 Old Gen");
        assertThat(pool.share(third)).isSameAs(third); // full: passed through, not pooled
        assertThat(pool.share(new String("G1 Old Gen"))).isNotSameAs(third);
        assertThat(pool.share(new String("By"))).isSameAs(b);
        assertThat(pool.size()).isEqualTo(2);
    }

    @Test
    void longStringsAreNeverPooled() {
        StringPool pool = new StringPool(10);
        String longValue = "x".repeat(StringPool.MAX_LENGTH + 1);

        assertThat(pool.share(longValue)).isSameAs(longValue);
        assertThat(pool.size()).isZero();
    }

    @Test
    void rowsOfTwoRecordsShareTheirNamesAndAttributeStrings() {
        OtlpMetricsDecoder decoder = new OtlpMetricsDecoder(DecodeLimits.defaults());
        var first = decoder.decodeProtobuf(OtlpFixtures.heapAfterGc("i-1", 1, 0).toByteArray()).rows().getFirst();
        var second = decoder.decodeProtobuf(OtlpFixtures.heapAfterGc("i-2", 1, 0).toByteArray()).rows().getFirst();

        assertThat(second.metric()).isSameAs(first.metric());
        assertThat(second.unit()).isSameAs(first.unit());
        Map.Entry<String, String> a = first.attributes().entrySet().iterator().next();
        Map.Entry<String, String> b = second.attributes().entrySet().iterator().next();
        assertThat(List.of(b.getKey(), b.getValue())).satisfiesExactly(k -> assertThat(k).isSameAs(a.getKey()),
                v -> assertThat(v).isSameAs(a.getValue()));
    }
}
