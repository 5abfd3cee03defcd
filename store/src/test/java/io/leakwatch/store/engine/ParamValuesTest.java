package io.leakwatch.store.engine;

import io.leakwatch.store.StoreException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The parameter text form, value by value; round trips through the engine are in the store tests. */
class ParamValuesTest {

    @Test
    void stringsUseTheEscapedForm() {
        assertThat(ParamValues.format("plain")).isEqualTo("plain");
        assertThat(ParamValues.format("a'b")).isEqualTo("a'b");
        assertThat(ParamValues.format("back\\slash")).isEqualTo("back\\\\slash");
        assertThat(ParamValues.format("line\nbreak\ttab\rcr\0nul")).isEqualTo("line\\nbreak\\ttab\\rcr\\0nul");
        assertThat(ParamValues.format("{x:String}")).isEqualTo("{x:String}");
    }

    @Test
    void numbersBooleansAndTimes() {
        assertThat(ParamValues.format(42)).isEqualTo("42");
        assertThat(ParamValues.format(-7L)).isEqualTo("-7");
        assertThat(ParamValues.format(1.5)).isEqualTo("1.5");
        assertThat(ParamValues.format(Double.NaN)).isEqualTo("nan");
        assertThat(ParamValues.format(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
        assertThat(ParamValues.format(true)).isEqualTo("true");
        assertThat(ParamValues.format(Instant.ofEpochMilli(1_700_000_000_123L))).isEqualTo("2023-11-14 22:13:20.123");
    }

    @Test
    void mapsAndArraysOfStringsAreQuotedLiterals() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("k'1", "v\\1");
        m.put("k2", "line\n{");
        assertThat(ParamValues.format(m)).isEqualTo("{'k\\'1':'v\\\\1','k2':'line\\n{'}");
        assertThat(ParamValues.format(Map.of())).isEqualTo("{}");
        assertThat(ParamValues.format(List.of("a", "b'c"))).isEqualTo("['a','b\\'c']");
        assertThat(ParamValues.quotedLiteral("it's")).isEqualTo("'it\\'s'");
    }

    @Test
    void refusesWhatItCannotFormatSafely() {
        assertThatThrownBy(() -> ParamValues.format(null)).isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> ParamValues.format(new Object())).isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> ParamValues.format(List.of(1, 2))).isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> ParamValues.format("x".repeat(ParamValues.MAX_VALUE_CHARS + 1)))
                .hasMessageContaining("too large");
        assertThatThrownBy(() -> ParamValues.formatAll(Map.of("bad name", 1))).isInstanceOf(StoreException.class);
    }

    @Test
    void identifiersAndTokensAreStrict() {
        assertThat(Identifiers.insertStatement("metric_points", List.of("ts", "value"), null))
                .isEqualTo("INSERT INTO metric_points (ts, value)");
        assertThat(Identifiers.insertStatement("t", List.of("a"), "topic-0-1-9"))
                .contains("insert_deduplication_token = 'topic-0-1-9'");
        assertThat(Identifiers.insertStatement("t", List.of("a"), "tok", Map.of("optimize_on_insert", "0")))
                .isEqualTo("INSERT INTO t (a) SETTINGS insert_deduplication_token = 'tok',"
                        + " deduplicate_blocks_in_dependent_materialized_views = 1, optimize_on_insert = '0'");
        assertThatThrownBy(() -> Identifiers.insertStatement("t", List.of("a"), null, Map.of("x = 1, y", "0")))
                .isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> Identifiers.insertStatement("t", List.of("a"), null, Map.of("x", "0' OR '1")))
                .isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> Identifiers.identifier("t; DROP")).isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> Identifiers.identifier("`t`")).isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> Identifiers.dedupToken("x' OR '1")).isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> Identifiers.dedupToken("")).isInstanceOf(StoreException.class);
    }

    @Test
    void retryableCodesAreNamed() {
        assertThat(RetryableErrors.codeOf("Code: 202. DB::Exception: Too many simultaneous queries")).isEqualTo(202);
        assertThat(RetryableErrors.isRetryableCode(202)).isTrue();
        assertThat(RetryableErrors.isRetryableCode(159)).isTrue();
        assertThat(RetryableErrors.isRetryableCode(60)).isFalse();
        assertThat(RetryableErrors.codeOf("no code here")).isZero();
    }
}
