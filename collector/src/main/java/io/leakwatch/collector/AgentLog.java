package io.leakwatch.collector;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The collector's logging: java.util.logging under {@code io.leakwatch}, so the host's own logging
 * setup decides where LeakWatch's few lines go, and no SLF4J binding leaks into the host (Kafka's
 * SLF4J is shaded and bound to java.util.logging). The shaded libraries' loggers (their class names
 * start with {@code io.leakwatch.agent.shaded.}) do not pass records up to the host's handlers: a down
 * endpoint is reported once by LeakWatch itself, not every few seconds by the exporter or the Kafka
 * client. Cutting propagation rather than only lowering the level survives a host that calls
 * {@code LogManager.reset()}. To see those lines, give the logger {@code io.leakwatch.agent.shaded}
 * a handler and a level in the host's logging configuration.
 */
public final class AgentLog {
    /** Strong references: java.util.logging forgets the level of a logger that was garbage collected. */
    private static final Logger ROOT = Logger.getLogger("io.leakwatch");
    private static final Logger SHADED = Logger.getLogger("io.leakwatch.agent.shaded");
    private static final Logger COLLECTOR = Logger.getLogger("io.leakwatch.collector");

    static {
        try {
            SHADED.setUseParentHandlers(false);
            if (SHADED.getLevel() == null) {
                SHADED.setLevel(Level.OFF); // spares the libraries formatting lines nobody reads
            }
        } catch (Throwable ignored) {
            // a security manager or odd LogManager: the libraries then log at the host's levels
        }
    }

    private AgentLog() {}

    /** Called before any shaded library runs, so their loggers are quiet from their first line. */
    static void init() {
        // the static initializer does the work
    }

    public static Logger logger() {
        return COLLECTOR;
    }

    /** Logs without ever throwing: a broken handler in the host must not break the collector. */
    public static void log(Level level, String message) {
        try {
            COLLECTOR.logp(level, "io.leakwatch.collector.LeakWatch", "", message);
        } catch (Throwable ignored) {
            // nothing sensible left to do
        }
    }

    static Logger root() {
        return ROOT;
    }
}
