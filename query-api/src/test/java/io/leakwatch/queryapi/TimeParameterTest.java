package io.leakwatch.queryapi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimeParameterTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private static long parse(String v) {
        return TimeParameter.parse("from", v, NOW);
    }

    @Test
    void acceptsIsoInstantsWithZoneOrOffset() {
        assertThat(parse("2026-03-01T10:00:00Z")).isEqualTo(Instant.parse("2026-03-01T10:00:00Z").toEpochMilli());
        assertThat(parse("2026-03-01T12:00:00.250+02:00"))
                .isEqualTo(Instant.parse("2026-03-01T10:00:00.250Z").toEpochMilli());
        // An unencoded '+' arrives as a space.
        assertThat(parse("2026-03-01T12:00:00 02:00")).isEqualTo(Instant.parse("2026-03-01T10:00:00Z").toEpochMilli());
    }

    @Test
    void acceptsEpochMillis() {
        assertThat(parse("1767261600000")).isEqualTo(1767261600000L);
        assertThat(parse("0")).isZero();
    }

    @Test
    void acceptsNowAndRelativeForms() {
        long now = NOW.toEpochMilli();
        assertThat(parse("now")).isEqualTo(now);
        assertThat(parse("now-1h")).isEqualTo(now - 3_600_000);
        assertThat(parse("-30m")).isEqualTo(now - 1_800_000);
        assertThat(parse("now+5s")).isEqualTo(now + 5_000);
        assertThat(parse("now 5s")).isEqualTo(now + 5_000);
        assertThat(parse("now-250ms")).isEqualTo(now - 250);
        assertThat(parse("now-7d")).isEqualTo(now - 7 * 86_400_000L);
        assertThat(parse("now-2w")).isEqualTo(now - 14 * 86_400_000L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "yesterday", "now-", "now-1y", "now-h", "nowish", "-", "1h",
            "2026-03-01", "2026-03-01T10:00:00", "2026-13-01T10:00:00Z", "12.5", "-5", "now-99999999999h",
            "9999999999999999", "now-60000000d"})
    void rejectsEverythingElseNamingTheParameter(String value) {
        assertThatThrownBy(() -> parse(value))
                .isInstanceOfSatisfying(BadParameterException.class, e -> assertThat(e.parameter()).isEqualTo("from"));
    }

    @Test
    void rejectsOverlongValues() {
        assertThatThrownBy(() -> parse("now-1h" + " ".repeat(100)))
                .isInstanceOf(BadParameterException.class).hasMessageContaining("longer than");
    }
}
