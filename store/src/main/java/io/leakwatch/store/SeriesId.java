package io.leakwatch.store;

import java.util.List;
import java.util.Map;

/**
 * The 64-bit id of a series: what {@code series_values} rows (and the rollups) carry instead of their identity. A series is a
 * (service, version, instance, metric, attributes) combination; unit, kind, host and resource go with it but do
 * not make a new series.
 *
 * <p>Layout: the high 32 bits hash the instance id alone, the low 32 bits the rest, so all series of an instance
 * sort next to each other (a query for a few instances reads a few granules) and a cluster can shard every
 * series-keyed table by {@code series_id >> 32} to keep an instance on one shard. Both halves are built from
 * {@link String#hashCode()} (specified by the language, so every process and release computes the same id, and
 * cached in each string) spread by a 64-bit finalizer; the attributes are combined in any order, so the order
 * in which a source listed them does not make a new series. This runs once per ingested point: a version that
 * sorted the attributes and hashed their UTF-8 bytes cost 1–2 µs a point, as much as the engine's insert.
 * Collisions: two series of one instance share an id with probability about n²/2³³ (n series of the instance:
 * 10⁻⁷ for 30), and then share a row stream; ids are not a security boundary (an adversary choosing attribute
 * values could make two series collide, and only merge its own data).
 */
public final class SeriesId {
    private static final long GOLDEN = 0x9E37_79B9_7F4A_7C15L;

    private SeriesId() {
    }

    /** The id of the row's series. */
    public static long of(MetricRow row) {
        return of(row.service(), row.version(), row.instance(), row.metric(), row.attributes());
    }

    public static long of(String service, String version, String instance, String metric,
                          Map<String, String> attributes) {
        return of(instancePart(instance), namePart(service, version, metric), attributes);
    }

    /**
     * The ids of the rows, in order. Rows of one export share their instance, service and version strings, and the
     * points of one metric its name: the parts hashed from them are reused while they are the same objects.
     */
    public static long[] of(List<MetricRow> rows) {
        long[] ids = new long[rows.size()];
        String instance = null;
        String service = null;
        String version = null;
        String metric = null;
        long instancePart = 0;
        long namePart = 0;
        for (int i = 0; i < ids.length; i++) {
            MetricRow r = rows.get(i);
            if (i == 0 || r.instance() != instance) {
                instance = r.instance();
                instancePart = instancePart(instance);
            }
            if (i == 0 || r.service() != service || r.version() != version || r.metric() != metric) {
                service = r.service();
                version = r.version();
                metric = r.metric();
                namePart = namePart(service, version, metric);
            }
            ids[i] = of(instancePart, namePart, r.attributes());
        }
        return ids;
    }

    private static long namePart(String service, String version, String metric) {
        return mix(mix(mix(hash(service)) + hash(version)) * GOLDEN + hash(metric));
    }

    private static long of(long instancePart, long namePart, Map<String, String> attributes) {
        long attrs = 0;
        if (attributes != null) {
            for (Map.Entry<String, String> e : attributes.entrySet()) {
                attrs += mix(hash(e.getKey()) * GOLDEN + hash(e.getValue()));
            }
        }
        return (instancePart << 32) | (mix(namePart + attrs) >>> 32);
    }

    /** The high 32 bits of every id of the instance's series, as an unsigned number. */
    public static long instancePart(String instance) {
        return mix(hash(instance) * GOLDEN) >>> 32;
    }

    private static long hash(String s) {
        return s == null ? 0 : s.hashCode() & 0xFFFF_FFFFL;
    }

    /** MurmurHash3's 64-bit finalizer: every input bit affects every output bit. */
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xFF51_AFD7_ED55_8CCDL;
        h ^= h >>> 33;
        h *= 0xC4CE_B9FE_1A85_EC53L;
        h ^= h >>> 33;
        return h;
    }
}
