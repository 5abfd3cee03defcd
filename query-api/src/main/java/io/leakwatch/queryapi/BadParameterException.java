package io.leakwatch.queryapi;

/**
 * A request parameter failed validation. The API answers it with a 400 whose body names
 * {@link #parameter()} and says why ({@link #getMessage()}); nothing else from the request is echoed.
 */
public final class BadParameterException extends RuntimeException {
    private final String parameter;

    public BadParameterException(String parameter, String detail) {
        super(detail, null, false, false);
        this.parameter = parameter;
    }

    /** Name of the offending query parameter, e.g. {@code from} or {@code attr.jvm.memory.pool.name}. */
    public String parameter() {
        return parameter;
    }
}
