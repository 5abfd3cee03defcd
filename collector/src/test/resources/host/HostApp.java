import java.util.ArrayList;
import java.util.List;

/**
 * A host application for the collector's host tests, launched as a single source file so the same
 * file runs on JDK 17 and JDK 25. It allocates, collects (a full collection at the start, half-way, when
 * the agent listens, and at the end), and after the given number of milliseconds prints HOST DONE and
 * returns from main normally.
 */
public class HostApp {
    public static void main(String[] args) throws Exception {
        long runMillis = Long.parseLong(args[0]);
        long end = System.nanoTime() + runMillis * 1_000_000L;
        long halfWay = System.nanoTime() + runMillis * 500_000L;
        boolean collectedHalfWay = false;
        List<byte[]> kept = new ArrayList<>();
        System.gc();
        System.out.println("HOST STARTED");
        System.out.flush();
        while (System.nanoTime() < end) {
            for (int i = 0; i < 1000; i++) {
                byte[] garbage = new byte[1024];
                garbage[0] = (byte) i;
            }
            if (kept.size() < 2000) {
                kept.add(new byte[4096]);
            }
            if (!collectedHalfWay && System.nanoTime() >= halfWay) {
                collectedHalfWay = true;
                System.gc();
            }
            Thread.sleep(5);
        }
        System.gc();
        System.out.println("HOST DONE kept=" + kept.size());
    }
}
