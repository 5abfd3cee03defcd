package io.leakwatch.ingest.jfr;

import io.leakwatch.ingest.PayloadRejectedException;
import io.leakwatch.store.jfr.JfrSnapshotRows;
import io.leakwatch.wire.JfrCompression;
import io.leakwatch.wire.JfrEnvelope;
import io.leakwatch.wire.JfrEnvelopeCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JfrSnapshotDecoderTest {
    @TempDir
    Path dir;

    @Test
    void readsOldObjectsAllocationsCollectionsAndDeduplicatedStacks() throws Exception {
        JfrEnvelope envelope = JfrEnvelopeCodec.decode(JfrRecordings.envelope("dec-1", dir, () -> JfrRecordings.leak(20_000)));

        JfrSnapshotRows rows = new JfrSnapshotDecoder(JfrIngestConfig.defaults(), dir).decode(envelope);

        assertThat(rows.instance()).isEqualTo("dec-1");
        assertThat(rows.service()).isEqualTo("shop");
        assertThat(rows.version()).isEqualTo("1.5.0");
        assertThat(rows.host()).isEqualTo("test-host");
        assertThat(rows.snapshotId()).hasSize(32).isEqualTo(JfrSnapshotDecoder.snapshotId(envelope));
        assertThat(rows.jfrBytes()).isGreaterThan(rows.compressedBytes());
        assertThat(rows.oldObjects()).isNotEmpty();
        assertThat(rows.oldObjects()).anySatisfy(o -> {
            assertThat(o.className()).isIn("byte[]", JfrRecordings.LeakedSession.class.getName());
            assertThat(o.refChain()).anyMatch(e -> e.contains("via SESSIONS (static)"));
            assertThat(o.rootSystem()).isNotEmpty();
            assertThat(o.stackHash()).isNotZero();
            assertThat(o.ageMillis()).isGreaterThanOrEqualTo(0);
        });
        assertThat(rows.oldObjects()).filteredOn(o -> o.className().equals("byte[]")).allSatisfy(o ->
                assertThat(o.arraySize()).isGreaterThanOrEqualTo(0));
        assertThat(rows.allocations()).isNotEmpty().allSatisfy(a -> assertThat(a.weight()).isPositive());
        assertThat(rows.collections()).anySatisfy(c -> {
            assertThat(c.name()).isNotEmpty();
            assertThat(c.cause()).isEqualTo("System.gc()");
            assertThat(c.heapBeforeBytes()).isPositive();
            assertThat(c.heapAfterBytes()).isPositive();
        });
        assertThat(rows.stacks()).extracting(JfrSnapshotRows.Stack::hash).doesNotHaveDuplicates();
        assertThat(rows.stacks()).allSatisfy(s -> assertThat(s.frames()).isNotEmpty().hasSizeLessThanOrEqualTo(32));
        List<Long> referenced = rows.oldObjects().stream().map(JfrSnapshotRows.OldObject::stackHash).toList();
        assertThat(rows.stacks()).extracting(JfrSnapshotRows.Stack::hash).containsAll(
                referenced.stream().filter(h -> h != 0).distinct().toList());
        try (var files = Files.list(dir)) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith("leakwatch-"))).isEmpty();
        }
    }

    @Test
    void aGzipBombIsCutOffAtTheRecordingLimit() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(new byte[40 * 1024 * 1024]);
        }
        JfrEnvelope bomb = new JfrEnvelope(Map.of(JfrEnvelope.SERVICE_INSTANCE_ID, "i"), 0, 1, JfrCompression.GZIP,
                gz.toByteArray());
        JfrIngestConfig small = new JfrIngestConfig(1 << 20, 1 << 24, 10, 10, 8, 1, 1, "leakwatch.jfr");

        assertThatThrownBy(() -> new JfrSnapshotDecoder(small, dir).decode(bomb))
                .isInstanceOf(PayloadRejectedException.class)
                .hasMessageContaining("decompresses to more than 16777216 bytes")
                .satisfies(e -> assertThat(((PayloadRejectedException) e).tooLarge()).isTrue());
    }

    @Test
    void notARecordingAndNoInstanceAreRefused() {
        JfrSnapshotDecoder decoder = new JfrSnapshotDecoder(JfrIngestConfig.defaults(), dir);
        assertThatThrownBy(() -> decoder.decode(new JfrEnvelope(Map.of(JfrEnvelope.SERVICE_INSTANCE_ID, "i"), 0, 1,
                JfrCompression.NONE, "not a recording".getBytes())))
                .isInstanceOf(PayloadRejectedException.class).hasMessageContaining("JFR");
        assertThatThrownBy(() -> decoder.decode(new JfrEnvelope(Map.of(), 0, 1, JfrCompression.NONE, new byte[0])))
                .hasMessageContaining("service.instance.id");
    }

    @Test
    void binaryArrayNamesReadAsJava() {
        assertThat(JfrSnapshotDecoder.javaName("[B")).isEqualTo("byte[]");
        assertThat(JfrSnapshotDecoder.javaName("[[Ljava.lang.String;")).isEqualTo("java.lang.String[][]");
        assertThat(JfrSnapshotDecoder.javaName("java.util.HashMap")).isEqualTo("java.util.HashMap");
    }
}
