package io.leakwatch.collector.config;

import java.util.UUID;

/**
 * The generated {@code service.instance.id} of this process: a random UUID made once, so every start
 * of the collector in one JVM (agent, embedding app, restart after close) reports the same instance.
 */
public final class InstanceId {
    private static final String OF_THIS_PROCESS = UUID.randomUUID().toString();

    private InstanceId() {}

    public static String ofThisProcess() {
        return OF_THIS_PROCESS;
    }
}
