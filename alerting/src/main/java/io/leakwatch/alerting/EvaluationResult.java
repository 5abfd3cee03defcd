package io.leakwatch.alerting;

import java.util.List;

/**
 * The outcome of one evaluation.
 *
 * @param states        every group's state to keep for the next evaluation (pending, firing, and groups that
 *                      resolved in this evaluation, which are dropped at the next one)
 * @param notifications messages to send, in a stable order (rule order, then group id)
 */
public record EvaluationResult(List<AlertState> states, List<Notification> notifications) {

    public EvaluationResult {
        states = List.copyOf(states);
        notifications = List.copyOf(notifications);
    }
}
