package io.leakwatch.demo;

import java.util.ArrayList;
import java.util.List;

/** Short-lived allocations at a steady rate, like request handling: the garbage behind the sawtooth. */
final class RequestWork {
    static final int TICK_MILLIS = 50;
    private final int bytesPerTick;
    // Written so the JIT cannot drop the allocations as dead code.
    private volatile int sink;

    RequestWork(int garbageMbPerSecond) {
        this.bytesPerTick = garbageMbPerSecond * 1024 * 1024 / (1000 / TICK_MILLIS);
    }

    void serveTick() {
        List<Object> request = new ArrayList<>();
        int allocated = 0;
        while (allocated < bytesPerTick) {
            byte[] chunk = new byte[8 * 1024];
            request.add(chunk);
            request.add("request-" + allocated);
            allocated += chunk.length + 64;
        }
        sink = request.size();
    }
}
