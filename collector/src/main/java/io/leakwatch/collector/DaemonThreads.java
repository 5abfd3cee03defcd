package io.leakwatch.collector;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Makes the collector's threads: daemon (never keep the host alive), named {@code leakwatch-…}, low priority. */
public final class DaemonThreads implements ThreadFactory {
    private final String name;
    private final AtomicInteger count = new AtomicInteger();

    public DaemonThreads(String name) {
        this.name = name;
    }

    @Override
    public Thread newThread(Runnable task) {
        int n = count.incrementAndGet();
        Thread t = new Thread(task, n == 1 ? name : name + "-" + n);
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.setUncaughtExceptionHandler((thread, e) ->
                AgentLog.log(java.util.logging.Level.WARNING, "LeakWatch: " + thread.getName() + " failed: " + e));
        return t;
    }
}
