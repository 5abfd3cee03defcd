package io.leakwatch.store.jfr;

import io.leakwatch.store.ChdbLibrary;
import io.leakwatch.store.Store;
import io.leakwatch.store.StoreConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link JfrWriter} and {@link JfrQueries} against the real embedded engine. */
class JfrStoreTest {
    /** Recent enough for the tables' TTL: rows older than it are dropped at insert. */
    private static final long T0 = (System.currentTimeMillis() / 3_600_000L - 6) * 3_600_000L;
    private static final long HOUR = 3_600_000L;
    private static final List<String> HOLDER_CHAIN = List.of("java.lang.Class (com.shop.SessionCache)",
            "java.util.HashMap via SESSIONS", "java.util.HashMap$Node[] via table", "java.util.HashMap$Node via []",
            "com.shop.Session via value");

    @TempDir
    static Path dir;
    static Store store;
    static JfrWriter writer;
    static JfrQueries queries;

    @BeforeAll
    static void open() {
        store = Store.open(StoreConfig.embedded(dir, ChdbLibrary.locate()));
        writer = new JfrWriter(store.engine());
        queries = new JfrQueries(store.engine());
    }

    @AfterAll
    static void close() {
        store.close();
    }

    /** A snapshot ending at {@code end} with {@code sessions} leaked sessions and {@code buffers} byte[]s. */
    private static JfrSnapshotRows snapshot(String instance, String id, long end, int sessions, int buffers) {
        List<JfrSnapshotRows.OldObject> old = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            old.add(new JfrSnapshotRows.OldObject("com.shop.Session", end - 50_000 + i, 50_000 - i, -1, 100 << 20,
                    i % 4 == 0 ? 22L : 11L, "Global Object Handle", "Class Loader Data", "", HOLDER_CHAIN));
        }
        for (int i = 0; i < buffers; i++) {
            old.add(new JfrSnapshotRows.OldObject("byte[]", end - 1000, 1000, 4096, 100 << 20, 33L, "Thread",
                    "Threads", "worker-1", List.of("java.lang.Thread (worker-1)", "byte[] via buf")));
        }
        return new JfrSnapshotRows(id, end - 60_000, end, "shop", "1.5.0", instance, "h1",
                Map.of("service.name", "shop"), 1234, 56789, old,
                List.of(new JfrSnapshotRows.Allocation(end - 30_000, "com.shop.Session", 1_000_000, 11L),
                        new JfrSnapshotRows.Allocation(end - 20_000, "com.shop.Session", 3_000_000, 44L),
                        new JfrSnapshotRows.Allocation(end - 10_000, "byte[]", 9_000_000, 33L)),
                List.of(new JfrSnapshotRows.Collection(end - 40_000, 7, "G1New", "G1 Evacuation Pause", 300 << 20,
                        120 << 20, 4.5)),
                List.of(new JfrSnapshotRows.Stack(11L, List.of("com.shop.SessionCache.open(SessionCache.java:42)",
                                "com.shop.Api.login(Api.java:10)")),
                        new JfrSnapshotRows.Stack(22L, List.of("com.shop.SessionCache.restore(SessionCache.java:77)")),
                        new JfrSnapshotRows.Stack(33L, List.of("com.shop.Io.read(Io.java:5)")),
                        new JfrSnapshotRows.Stack(44L, List.of("com.shop.Session.<init>(Session.java:3)"))));
    }

    @Test
    void attributionNamesTheGrowingClassItsStacksAndWhatHoldsIt() {
        String instance = "i-attr";
        writer.write(List.of(snapshot(instance, "b1", T0 + 10 * 60_000, 2, 10),
                snapshot(instance, "b2", T0 + 20 * 60_000, 2, 10)), "t-base");
        writer.write(List.of(snapshot(instance, "c1", T0 + HOUR + 10 * 60_000, 40, 10),
                snapshot(instance, "c2", T0 + HOUR + 20 * 60_000, 48, 10)), "t-cur");

        Attribution a = queries.attribution(instance, T0 + HOUR, T0 + 2 * HOUR, T0, T0 + HOUR);

        assertThat(a.snapshots()).isEqualTo(2);
        assertThat(a.baselineSnapshots()).isEqualTo(2);
        assertThat(a.classes()).extracting(Attribution.ClassGrowth::className).containsExactly("com.shop.Session");
        Attribution.ClassGrowth session = a.classes().getFirst();
        assertThat(session.samples()).isEqualTo(88);
        assertThat(session.baselineSamples()).isEqualTo(4);
        assertThat(session.perSnapshot()).isEqualTo(44.0);
        assertThat(session.baselinePerSnapshot()).isEqualTo(2.0);
        assertThat(session.share()).isEqualTo(88.0 / 108);
        assertThat(session.oldObjectStacks()).extracting(Attribution.StackCount::stackHash).containsExactly(11L, 22L);
        assertThat(session.oldObjectStacks().getFirst().samples()).isEqualTo(66);
        assertThat(session.oldObjectStacks().getFirst().frames())
                .containsExactly("com.shop.SessionCache.open(SessionCache.java:42)", "com.shop.Api.login(Api.java:10)");
        assertThat(session.allocationStacks()).extracting(Attribution.StackCount::stackHash).containsExactly(44L, 11L);
        assertThat(session.allocationStacks().getFirst().weightBytes()).isEqualTo(6_000_000);

        Attribution.RefNode tree = session.referenceTree();
        assertThat(tree.label()).isEqualTo("com.shop.Session");
        assertThat(tree.count()).isEqualTo(88);
        Attribution.RefNode root = tree.children().getFirst();
        assertThat(root.label()).isEqualTo("GC root: Class Loader Data / Global Object Handle");
        assertThat(root.count()).isEqualTo(88);
        List<String> path = new ArrayList<>();
        for (Attribution.RefNode n = root; !n.children().isEmpty(); n = n.children().getFirst()) {
            path.add(n.children().getFirst().label());
        }
        assertThat(path).isEqualTo(HOLDER_CHAIN);
    }

    @Test
    void replayedBatchIsNotDuplicated() {
        String instance = "i-replay";
        List<JfrSnapshotRows> batch = List.of(snapshot(instance, "r1", T0 + 5 * 60_000, 3, 1));
        writer.write(batch, "replay-token");
        writer.write(batch, "replay-token");

        assertThat(count("SELECT count() FROM jfr_old_objects WHERE instance = 'i-replay'")).isEqualTo(4);
        assertThat(count("SELECT count() FROM jfr_alloc_samples WHERE instance = 'i-replay'")).isEqualTo(3);
        assertThat(count("SELECT count() FROM jfr_gc WHERE instance = 'i-replay'")).isEqualTo(1);
        assertThat(count("SELECT count() FROM jfr_snapshots WHERE instance = 'i-replay'")).isEqualTo(1);
        assertThat(count("SELECT count() FROM jfr_stacks FINAL WHERE stack_hash = 44")).isEqualTo(1);
        assertThat(count("SELECT heap_before - heap_after FROM jfr_gc WHERE instance = 'i-replay'"))
                .isEqualTo(180L << 20);
    }

    @Test
    void emptyBaselineMeansEveryClassGrewFromNothing() {
        String instance = "i-new";
        writer.write(List.of(snapshot(instance, "n1", T0 + 3 * HOUR, 5, 2)), null);

        Attribution a = queries.attribution(instance, T0 + 2 * HOUR, T0 + 4 * HOUR, T0, T0 + HOUR);

        assertThat(a.baselineSnapshots()).isZero();
        assertThat(a.classes()).extracting(Attribution.ClassGrowth::className).containsExactly("com.shop.Session", "byte[]");
        assertThat(a.classes().get(1).referenceTree().children().getFirst().label()).isEqualTo("GC root: Threads / Thread");
    }

    @Test
    void unknownInstanceAndBadArguments() {
        assertThat(queries.attribution("nobody", T0, T0 + HOUR, T0 - HOUR, T0).classes()).isEmpty();
        assertThat(queries.attribution("x' OR 1=1 --", T0, T0 + HOUR, T0 - HOUR, T0).classes()).isEmpty();
        assertThatThrownBy(() -> queries.attribution("", T0, T0 + HOUR, T0 - HOUR, T0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> queries.attribution("i", T0, T0, T0 - HOUR, T0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static long count(String sql) {
        return Long.parseLong(new String(store.engine().query(sql, Map.of(), "TabSeparated"),
                StandardCharsets.UTF_8).trim());
    }
}
