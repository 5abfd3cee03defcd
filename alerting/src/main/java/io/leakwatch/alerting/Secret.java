package io.leakwatch.alerting;

import java.util.Map;
import java.util.Objects;

/**
 * A secret value (a webhook URL with its token, a signing key). {@link #toString()} is always {@code ****},
 * so a secret inside a record, a log line or an exception message never shows; only {@link #reveal()} gives
 * the value, for the one place that needs it (building the request).
 */
public final class Secret {

    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    /** A secret from configuration. */
    public static Secret of(String value) {
        return new Secret(value);
    }

    /** A secret from the process environment; throws IllegalArgumentException naming the variable when unset. */
    public static Secret fromEnv(String variable) {
        return fromEnv(variable, System.getenv());
    }

    /** A secret from the given environment; throws IllegalArgumentException naming the variable when unset. */
    public static Secret fromEnv(String variable, Map<String, String> env) {
        String v = env.get(variable);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("environment variable " + variable + " is not set");
        }
        return new Secret(v.trim());
    }

    /** The value; never log it or return it from an API. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "****";
    }
}
