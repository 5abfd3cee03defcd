package io.leakwatch.collector.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GcNotificationBudgetTest {
    private final GcNotificationBudget budget = new GcNotificationBudget(5);

    @Test
    void keepsListeningUpToTheLimitAndStopsAboveIt() {
        assertThat(budget.listen(true, 50, 10)).isTrue();
        assertThat(budget.listen(true, 51, 10)).isFalse();
    }

    @Test
    void listensAgainOnlyOnceTheRateHasFallenToHalfTheLimit() {
        assertThat(budget.listen(false, 40, 10)).as("4/s: below the limit, above half of it").isFalse();
        assertThat(budget.listen(false, 25, 10)).isTrue();
    }

    @Test
    void aTickWithNoElapsedTimeChangesNothing() {
        assertThat(budget.listen(true, 3, 0)).isTrue();
        assertThat(budget.listen(false, 0, 0)).isFalse();
    }

    @Test
    void zeroMeansAlwaysPolled() {
        assertThat(new GcNotificationBudget(0).listen(true, 0, 10)).isFalse();
        assertThatThrownBy(() -> new GcNotificationBudget(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GcNotificationBudget(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
