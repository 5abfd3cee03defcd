package io.leakwatch.demo.scenario;

import io.leakwatch.demo.Label;
import io.leakwatch.demo.Pacer;
import io.leakwatch.demo.RunningScenario;
import io.leakwatch.demo.Scenario;
import io.leakwatch.demo.ScenarioRun;
import io.leakwatch.demo.ScenarioSettings;
import io.leakwatch.demo.Signal;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Leak on an error path: a connection-pool-like object lends connections (each with a 16 KiB send
 * buffer) and tracks them as borrowed; the request code returns them on success but not when the query
 * fails (no {@code finally}). The pool opens a new connection when none is idle, so the borrowed set
 * grows with every failure. Ten successful requests run for each failing one.
 */
public final class PoolErrorPathLeak implements Scenario {
    static final int CONNECTION_BYTES = 16 * 1024;
    static final int SUCCESSES_PER_FAILURE = 10;

    @Override
    public String name() {
        return "pool-error-path";
    }

    @Override
    public Label label() {
        return Label.LEAK;
    }

    @Override
    public Signal signal() {
        return Signal.HEAP;
    }

    @Override
    public String description() {
        return "Requests borrow pooled connections (16 KiB buffer each) and return them only on success; every failed query leaks one.";
    }

    @Override
    public Map<String, String> defaultArgs() {
        return Map.of("rate", "32");
    }

    @Override
    public RunningScenario start(ScenarioSettings settings) {
        return new Run(name(), settings);
    }

    static final class Connection {
        final byte[] sendBuffer = new byte[CONNECTION_BYTES];
    }

    /** The pool: idle connections and the ones lent out, which it keeps for its own leak report. */
    static final class ConnectionPool {
        private final Deque<Connection> idle = new ArrayDeque<>();
        private final Set<Connection> borrowed = new HashSet<>();

        synchronized Connection borrow() {
            Connection connection = idle.isEmpty() ? new Connection() : idle.pop();
            borrowed.add(connection);
            return connection;
        }

        synchronized void giveBack(Connection connection) {
            borrowed.remove(connection);
            idle.push(connection);
        }

        synchronized int borrowedCount() {
            return borrowed.size();
        }

        synchronized void closeAll() {
            borrowed.clear();
            idle.clear();
        }
    }

    private static final class Run extends ScenarioRun {
        private final ConnectionPool pool = new ConnectionPool();

        Run(String name, ScenarioSettings settings) {
            super(name, settings);
            Pacer failures = new Pacer(settings.rate() * 1024.0 / CONNECTION_BYTES);
            every(TICK_MILLIS, () -> {
                long failing = failures.due(elapsedSeconds());
                for (long i = 0; i < Math.max(1, failing) * SUCCESSES_PER_FAILURE; i++) {
                    serve(false);
                }
                for (long i = 0; i < failing; i++) {
                    serve(true);
                }
            });
        }

        private void serve(boolean queryFails) {
            countOperations(1);
            try {
                Connection connection = pool.borrow();
                runQuery(connection, queryFails);
                pool.giveBack(connection);
            } catch (IllegalStateException e) {
                // The handler logs and moves on; the connection is never given back.
            }
        }

        private static void runQuery(Connection connection, boolean fails) {
            connection.sendBuffer[0]++;
            if (fails) {
                throw new IllegalStateException("deadlock detected; transaction rolled back");
            }
        }

        @Override
        public long retained() {
            return (long) pool.borrowedCount() * CONNECTION_BYTES;
        }

        @Override
        protected void release() {
            pool.closeAll();
        }
    }
}
