package io.leakwatch.collector;

import java.lang.instrument.Instrumentation;
import java.util.logging.Level;

/**
 * The {@code -javaagent} and dynamic-attach entry points. Each returns at once: reading the
 * configuration and starting the collector happen on a daemon thread ({@code leakwatch-start}), so
 * the host's start-up is not delayed by the agent's class loading, and nothing, not even an
 * {@link Error}, reaches the host; a failure is one log line and the host carries on without LeakWatch.
 */
public final class LeakWatchAgent {
    private LeakWatchAgent() {}

    public static void premain(String agentArgs, Instrumentation instrumentation) {
        startInBackground(agentArgs);
    }

    public static void premain(String agentArgs) {
        startInBackground(agentArgs);
    }

    public static void agentmain(String agentArgs, Instrumentation instrumentation) {
        startInBackground(agentArgs);
    }

    public static void agentmain(String agentArgs) {
        startInBackground(agentArgs);
    }

    static void startInBackground(String agentArgs) {
        try {
            AgentLog.init();
            new DaemonThreads("leakwatch-start").newThread(() -> {
                try {
                    LeakWatch.startFromEnvironment(agentArgs);
                } catch (Throwable e) {
                    AgentLog.log(Level.WARNING, "LeakWatch: not started, the application runs without it: " + e);
                }
            }).start();
        } catch (Throwable e) {
            AgentLog.log(Level.WARNING, "LeakWatch: not started, the application runs without it: " + e);
        }
    }
}
