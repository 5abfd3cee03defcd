import java.util.HashMap;
import java.util.Map;

/**
 * A host that leaks: sessions go into a static map and never leave, with garbage allocated in between.
 * Launched as a single source file on JDK 17 and JDK 25; prints HOST DONE after the given milliseconds.
 */
public class LeakyHostApp {
    static final Map<Integer, Session> SESSIONS = new HashMap<>();
    /** Garbage escapes through here, so the JIT cannot scalar-replace it away. */
    static volatile Object sink;

    record Session(int id, byte[] payload) {}

    public static void main(String[] args) throws Exception {
        long end = System.nanoTime() + Long.parseLong(args[0]) * 1_000_000L;
        System.out.println("HOST STARTED");
        System.out.flush();
        int id = 0;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 50; i++) {
                byte[] garbage = new byte[4096];
                garbage[0] = (byte) i;
                sink = garbage;
            }
            if (SESSIONS.size() < 12_000) { // at most ~100 MB of the 256 MB heap
                SESSIONS.put(id, new Session(id, new byte[8192]));
                id++;
            }
            Thread.sleep(1);
        }
        System.out.println("HOST DONE sessions=" + SESSIONS.size());
    }
}
