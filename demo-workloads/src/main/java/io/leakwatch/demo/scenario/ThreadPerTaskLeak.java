package io.leakwatch.demo.scenario;

import io.leakwatch.demo.Label;
import io.leakwatch.demo.Pacer;
import io.leakwatch.demo.RunningScenario;
import io.leakwatch.demo.Scenario;
import io.leakwatch.demo.ScenarioRun;
import io.leakwatch.demo.ScenarioSettings;
import io.leakwatch.demo.Signal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Leak, the JVM twin of a goroutine leak: each task starts its own thread to wait for a reply on a
 * queue that nobody ever writes to. Thread count and native stack memory grow; {@link
 * RunningScenario#close()} interrupts and joins them.
 */
public final class ThreadPerTaskLeak implements Scenario {

    @Override
    public String name() {
        return "thread-per-task";
    }

    @Override
    public Label label() {
        return Label.LEAK;
    }

    @Override
    public Signal signal() {
        return Signal.THREADS;
    }

    @Override
    public Set<Signal> alsoMoves() {
        return Set.of(Signal.NATIVE);
    }

    @Override
    public String description() {
        return "Each task starts a thread that waits forever on a reply queue nobody writes to.";
    }

    @Override
    public Map<String, String> defaultArgs() {
        return Map.of("rate", "0.5");
    }

    @Override
    public RunningScenario start(ScenarioSettings settings) {
        return new Run(name(), settings);
    }

    private static final class Run extends ScenarioRun {
        private final List<Thread> waiters = new ArrayList<>();

        Run(String name, ScenarioSettings settings) {
            super(name, settings);
            Pacer tasks = new Pacer(settings.rate());
            every(TICK_MILLIS, () -> {
                for (long i = tasks.due(elapsedSeconds()); i > 0 && !isClosed(); i--) {
                    startWaiter();
                }
            });
        }

        private void startWaiter() {
            BlockingQueue<String> replies = new LinkedBlockingQueue<>();
            Thread waiter = new Thread(() -> {
                try {
                    replies.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "scenario-" + name() + "-waiter-" + operations());
            waiter.setDaemon(true);
            synchronized (waiters) {
                waiters.add(waiter);
            }
            waiter.start();
            countOperations(1);
        }

        @Override
        public long retained() {
            synchronized (waiters) {
                return waiters.stream().filter(Thread::isAlive).count();
            }
        }

        @Override
        protected void release() {
            List<Thread> all;
            synchronized (waiters) {
                all = new ArrayList<>(waiters);
                waiters.clear();
            }
            all.forEach(Thread::interrupt);
            for (Thread waiter : all) {
                try {
                    waiter.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
