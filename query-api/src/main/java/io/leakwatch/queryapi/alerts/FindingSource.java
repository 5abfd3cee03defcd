package io.leakwatch.queryapi.alerts;

import io.leakwatch.alerting.Finding;

import java.time.Duration;
import java.util.List;

/** What the alert rules are evaluated against: the current findings over a window. Blocking. */
@FunctionalInterface
public interface FindingSource {

    List<Finding> findings(Duration window);
}
