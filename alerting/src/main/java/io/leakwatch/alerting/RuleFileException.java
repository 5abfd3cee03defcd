package io.leakwatch.alerting;

import java.util.List;

/** A rule file that cannot be used; {@link #errors()} lists every problem, each naming the rule and the field. */
public final class RuleFileException extends RuntimeException {

    private final List<String> errors;

    public RuleFileException(String source, List<String> errors) {
        super("invalid rule file " + source + ":\n  " + String.join("\n  ", errors));
        this.errors = List.copyOf(errors);
    }

    /** Every problem found, e.g. {@code rule 'heap-leak' (#1): field 'severity': unknown severity 'urgent', …}. */
    public List<String> errors() {
        return errors;
    }
}
