package io.leakwatch.demo;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A small service-like JVM for the demo: request-like work that makes steady garbage (so the GC
 * sawtooth is real) plus, when asked, a leak into {@link SessionCache} at a fixed rate.
 *
 * <p>Arguments ({@code key=value}): {@code leak-kb-per-s} (default 64; 0 for a healthy service),
 * {@code garbage-mb-per-s} (default 20), {@code duration} (e.g. {@code 30m}; default: until killed).
 */
public final class DemoService {

    private DemoService() {
    }

    public static void main(String[] args) throws InterruptedException {
        DemoSettings settings = DemoSettings.parse(args);
        System.out.printf(Locale.ROOT, "demo service: leaking %d KB/s, %d MB/s of garbage%n",
                settings.leakKbPerSecond(), settings.garbageMbPerSecond());

        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "demo-requests");
            thread.setDaemon(true);
            return thread;
        });
        RequestWork requests = new RequestWork(settings.garbageMbPerSecond());
        scheduler.scheduleAtFixedRate(requests::serveTick, 0, RequestWork.TICK_MILLIS, TimeUnit.MILLISECONDS);
        if (settings.leakKbPerSecond() > 0) {
            SessionCache cache = SessionCache.shared();
            int bytesPerTick = settings.leakKbPerSecond() * 1024 / 10;
            scheduler.scheduleAtFixedRate(() -> cache.put(bytesPerTick), 0, 100, TimeUnit.MILLISECONDS);
        }

        Duration duration = settings.duration();
        if (duration == null) {
            Thread.currentThread().join();
        } else {
            Thread.sleep(duration.toMillis());
        }
        scheduler.shutdownNow();
    }
}
