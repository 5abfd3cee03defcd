package io.leakwatch.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakwatch.store.engine.ClickHouseEngine;
import io.leakwatch.store.schema.SignalFloorsSchema;

import java.io.IOException;
import java.util.ArrayList;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@link SignalQueries} as parameterised SQL over the per-minute rollup ({@code series_points_1m}, joined to the
 * identities in {@code series}); the raw
 * points table is never read, so the cost grows with instances × buckets, not with the scrape rate.
 *
 * <h2>How each signal is reduced (per bucket of {@code step})</h2>
 * <ul>
 *   <li>Heap floor: the <em>sum of the heap pools' per-bucket minima</em>. The rollup keeps no per-scrape
 *       total, and the pools' minima fall at different scrapes, so this is a lower bound of the per-scrape
 *       total's minimum; for a sawtooth it lands on the post-young-GC level (eden near 0, old gen at its
 *       low), which is the floor the analysis wants. Chosen over the raw table for cost.</li>
 *   <li>Heap after GC: the minimum of the old-generation pool's {@code jvm.memory.used_after_last_gc}
 *       (G1/Parallel/Serial/CMS old pools; the single pool of ZGC and Shenandoah).</li>
 *   <li>Counters and gauges with states (threads): the sum over attribute sets of each set's last value.</li>
 *   <li>Native: last RSS minus the sum of every pool's last committed bytes.</li>
 *   <li>GC share: per attribute set of the cumulative {@code jvm.gc.duration} sum (seconds), the increase
 *       since the previous bucket (a decrease is a restart: the new value is the increase) divided by the
 *       seconds between the buckets, summed over sets. Delta temporality is not handled (the rollup does
 *       not keep the flag); the Java agents export cumulative sums.</li>
 *   <li>Reclaiming collections: buckets in which the old pool's used-after-GC value changed (within the
 *       bucket or against the previous one), or the "end of major GC" duration sum grew, or the LeakWatch agent's
 *       count of old-gen-reclaiming collections ({@code leakwatch.gc.reclaiming.count}) grew. With G1 the old
 *       pool's value changes only at mixed or full collections, which is exactly the evidence needed.</li>
 *   <li>Version changes: the first bucket of every version of the instance in the window but the first.</li>
 * </ul>
 *
 * <p>{@link #screen} reads only the coarse floors ({@code series_floors_15m}, see
 * {@link io.leakwatch.store.schema.SignalFloorsSchema}), a few dozen rows per series, so a fleet of
 * thousands of instances is screened in one cheap scan; the per-minute query above then runs for the
 * screened-in instances only ({@link #signals(List, long, long, long)}), with the very same SQL as for one
 * instance, so both give the same series for an instance.
 *
 * <p>Cost notes (10,000 instances, 105 of them reduced over 6 h): the reduction never aggregates the
 * attributes Map (that alone cost more than the rest of it); it tells pools and collectors apart by attribute
 * set hash, whose meaning is read once per set and remembered; and the lag window runs on the counters only.
 * The second stage of a ranking takes the instances' identities from the screen just before it over the same
 * window rather than reading the instances table again. Measured and kept out: computing the versions'
 * first minutes inside the reduction (a {@code minMap} per row cost more than the separate scan of
 * {@link #VERSIONS}); other result formats (no change in engine time). The series in scope come from the small
 * {@code series} table (sorted by instance), and the rollup is read by {@code series_id IN} those ids: an id's high
 * half hashes its instance, so one instance's series are adjacent in the rollup's (series_id, minute) order and a
 * batch of instances reads only their granules (the wide layout before migration 5 put service, metric and version
 * before instance in its key, and a batch read most of the window).
 */
public final class ClickHouseSignalQueries implements SignalQueries {

    /** Old-generation pools per collector, plus the single-pool collectors whose pool is the whole heap. */
    static final List<String> OLD_POOLS = List.of("G1 Old Gen", "PS Old Gen", "Tenured Gen", "CMS Old Gen",
            "ZGC Old Generation", "ZHeap", "Shenandoah", "GenShen Old Gen");

    private static final List<String> METRICS = List.of("jvm.memory.used", "jvm.memory.used_after_last_gc",
            "jvm.memory.limit", "jvm.memory.committed", "jvm.class.count", "jvm.thread.count",
            "jvm.buffer.memory.used", "process.memory.usage", "jvm.file_descriptor.count",
            "jvm.file_descriptor.limit", "jvm.gc.duration", "leakwatch.gc.reclaiming.count");

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The series in scope, with the identity the reduction groups by. The series table is a ReplacingMergeTree
     * whose rows for one id are equal but for {@code last_seen}, so one row per id is enough.
     */
    private static final String IDS = """
            ids AS (SELECT series_id, instance, metric, version, attr_hash
                    FROM series
                    WHERE ({service:String} = '' OR service = {service:String})
                      AND ({instance:String} = '' OR instance = {instance:String})
                      AND (empty({instances:Array(String)}) OR instance IN {instances:Array(String)})
                      AND metric IN {metrics:Array(String)}
                    LIMIT 1 BY series_id)
            """;

    private static final String MINUTES = """
              p.minute >= toDateTime(intDiv({from:Int64}, 1000), 'UTC')
              AND p.minute < toDateTime(intDiv({to:Int64} + 59999, 1000), 'UTC')
            """;

    /**
     * Metrics whose previous bucket {@link #SIGNALS} reads (GC time and collection evidence): minimum, maximum and
     * last value.
     */
    private static final List<String> LAGGED = List.of("jvm.gc.duration", "jvm.memory.used_after_last_gc",
            "leakwatch.gc.reclaiming.count");
    /** Metrics of which {@link #SIGNALS} reads only the per-bucket minimum. */
    private static final List<String> FLOORS = List.of("jvm.memory.used", "jvm.class.count", "jvm.buffer.memory.used",
            "jvm.file_descriptor.count");
    /** Metrics of which {@link #SIGNALS} reads only the last value. */
    private static final List<String> LASTS = List.of("jvm.memory.limit", "jvm.memory.committed", "jvm.thread.count",
            "process.memory.usage", "jvm.file_descriptor.limit");

    static {
        // each metric the reduction reads in exactly one of its scans
        List<String> split = new ArrayList<>(LAGGED);
        split.addAll(FLOORS);
        split.addAll(LASTS);
        if (split.size() != METRICS.size() || !new java.util.HashSet<>(split).equals(new java.util.HashSet<>(METRICS))) {
            throw new AssertionError("LAGGED, FLOORS and LASTS must split METRICS");
        }
    }

    /** Metrics whose series are told apart by their attributes (heap pools, old pools, Metaspace, major GC). */
    private static final List<String> ATTRIBUTED = List.of("jvm.memory.used", "jvm.memory.used_after_last_gc",
            "jvm.memory.limit", "jvm.gc.duration");

    private static final String SIGNALS = """
            WITH arrayMap(x -> toUInt64(x), {heap:Array(String)}) AS heap_sets,
                 arrayMap(x -> toUInt64(x), {oldsets:Array(String)}) AS old_sets,
                 arrayMap(x -> toUInt64(x), {metaspace:Array(String)}) AS metaspace_sets,
                 arrayMap(x -> toUInt64(x), {majorgc:Array(String)}) AS major_gc_sets,
            """ + IDS + """
            ,
            -- One scan per kind of metric, each reading only the columns its metrics need: the rollup is sorted by
            -- metric before instance, so each reads its own metrics' granules, and the last-value states (costly to
            -- read) are left unread for the floors. Only the counters read their previous bucket: the window's
            -- sort is kept off the other series.
            lagged AS (
                SELECT instance, metric, attr_hash, bucket, lo, hi, lst,
                       lagInFrame(lst, 1, lst) OVER w AS prev_lst,
                       lagInFrame(bucket, 1, bucket) OVER w AS prev_bucket
                FROM (SELECT i.instance AS instance, i.metric AS metric, i.attr_hash AS attr_hash,
                             toStartOfInterval(p.minute, toIntervalSecond({step:UInt32})) AS bucket,
                             min(p.min_value) AS lo, max(p.max_value) AS hi, argMaxMerge(p.last_value) AS lst
                      FROM series_points_1m AS p INNER JOIN ids AS i ON p.series_id = i.series_id
                      WHERE p.series_id IN (SELECT series_id FROM ids WHERE metric IN {lagged:Array(String)}) AND
            """ + MINUTES + """
                      GROUP BY instance, metric, attr_hash, bucket)
                WINDOW w AS (PARTITION BY instance, metric, attr_hash ORDER BY bucket
                             ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)
                UNION ALL
                SELECT i.instance AS instance, i.metric AS metric, i.attr_hash AS attr_hash,
                       toStartOfInterval(p.minute, toIntervalSecond({step:UInt32})) AS bucket,
                       min(p.min_value) AS lo, lo AS hi, 0. AS lst, lst AS prev_lst, bucket AS prev_bucket
                FROM series_points_1m AS p INNER JOIN ids AS i ON p.series_id = i.series_id
                WHERE p.series_id IN (SELECT series_id FROM ids WHERE metric IN {floors:Array(String)}) AND
            """ + MINUTES + """
                GROUP BY instance, metric, attr_hash, bucket
                UNION ALL
                SELECT i.instance AS instance, i.metric AS metric, i.attr_hash AS attr_hash,
                       toStartOfInterval(p.minute, toIntervalSecond({step:UInt32})) AS bucket,
                       0. AS lo, 0. AS hi, argMaxMerge(p.last_value) AS lst, lst AS prev_lst, bucket AS prev_bucket
                FROM series_points_1m AS p INNER JOIN ids AS i ON p.series_id = i.series_id
                WHERE p.series_id IN (SELECT series_id FROM ids WHERE metric IN {lasts:Array(String)}) AND
            """ + MINUTES + """
                GROUP BY instance, metric, attr_hash, bucket
            ),
            per_bucket AS (
                SELECT instance, bucket,
                    sumIfOrNull(lo, metric = 'jvm.memory.used' AND has(heap_sets, attr_hash)) AS heap_used_floor,
                    minIfOrNull(lo, metric = 'jvm.memory.used_after_last_gc'
                                    AND has(old_sets, attr_hash)) AS heap_after_gc,
                    sumIfOrNull(lst, metric = 'jvm.memory.limit' AND has(heap_sets, attr_hash) AND lst > 0) AS heap_max,
                    maxIfOrNull(lst, metric = 'jvm.memory.limit'
                                     AND has(old_sets, attr_hash) AND lst > 0) AS old_max,
                    minIfOrNull(lo, metric = 'jvm.memory.used' AND has(metaspace_sets, attr_hash)) AS metaspace,
                    maxIfOrNull(lst, metric = 'jvm.memory.limit' AND has(metaspace_sets, attr_hash) AND lst > 0) AS metaspace_max,
                    minIfOrNull(lo, metric = 'jvm.class.count') AS classes,
                    sumIfOrNull(lst, metric = 'jvm.thread.count') AS threads,
                    sumIfOrNull(lo, metric = 'jvm.buffer.memory.used') AS direct,
                    sumIfOrNull(lst, metric = 'process.memory.usage')
                        - sumIfOrNull(lst, metric = 'jvm.memory.committed') AS native_mem,
                    minIfOrNull(lo, metric = 'jvm.file_descriptor.count') AS fds,
                    maxIfOrNull(lst, metric = 'jvm.file_descriptor.limit' AND lst > 0) AS fds_max,
                    sumIfOrNull(if(lst >= prev_lst, lst - prev_lst, lst) / dateDiff('second', prev_bucket, bucket),
                                metric = 'jvm.gc.duration' AND bucket > prev_bucket) AS gc_share,
                    countIf((metric = 'jvm.memory.used_after_last_gc'
                             AND has(old_sets, attr_hash)
                             AND (lo != hi OR (bucket > prev_bucket AND lst != prev_lst)))
                         OR (metric = 'jvm.gc.duration' AND has(major_gc_sets, attr_hash)
                             AND bucket > prev_bucket AND lst > prev_lst)
                         OR (metric = 'leakwatch.gc.reclaiming.count'
                             AND bucket > prev_bucket AND lst > prev_lst)) > 0 AS reclaimed
                FROM lagged
                GROUP BY instance, bucket
            )
            -- groupArray skips NULLs: wrapping each value in a tuple keeps every array aligned with t
            SELECT instance,
                   groupArray(toUnixTimestamp(bucket) * 1000) AS t,
                   arrayMap(x -> x.1, groupArray(tuple(heap_used_floor))) AS heap_used_floor,
                   arrayMap(x -> x.1, groupArray(tuple(heap_after_gc))) AS heap_after_gc,
                   arrayMap(x -> x.1, groupArray(tuple(metaspace))) AS metaspace,
                   arrayMap(x -> x.1, groupArray(tuple(classes))) AS classes,
                   arrayMap(x -> x.1, groupArray(tuple(threads))) AS threads,
                   arrayMap(x -> x.1, groupArray(tuple(direct))) AS direct,
                   arrayMap(x -> x.1, groupArray(tuple(native_mem))) AS native,
                   arrayMap(x -> x.1, groupArray(tuple(fds))) AS fds,
                   arrayMap(x -> x.1, groupArray(tuple(gc_share))) AS gc_share,
                   argMaxIf(heap_max, bucket, heap_max IS NOT NULL) AS heap_max,
                   argMaxIf(old_max, bucket, old_max IS NOT NULL) AS old_max,
                   argMaxIf(metaspace_max, bucket, metaspace_max IS NOT NULL) AS metaspace_max,
                   argMaxIf(fds_max, bucket, fds_max IS NOT NULL) AS fds_max,
                   groupArrayIf(toUnixTimestamp(bucket) * 1000, reclaimed) AS reclaimed
            FROM per_bucket
            GROUP BY instance
            ORDER BY instance
            LIMIT {limit:UInt32}
            """;

    /**
     * Per instance, the first minute of each of its versions in the window, and the attribute sets of its
     * attributed metrics (which of them are known is cached, see {@link #ATTRIBUTES}): one scan for both.
     */
    private static final String VERSIONS = """
            WITH
            """ + IDS + """
            SELECT instance, groupArray(first_ms) AS firsts, arrayDistinct(arrayFlatten(groupArray(sets))) AS sets
            FROM (SELECT i.instance AS instance, i.version AS version, toUnixTimestamp(min(f.first)) * 1000 AS first_ms,
                         arrayMap(h -> toString(h), groupUniqArrayIf(i.attr_hash, i.metric IN {attributed:Array(String)})) AS sets
                  FROM (SELECT p.series_id AS series_id, min(p.minute) AS first
                        FROM series_points_1m AS p
                        WHERE p.series_id IN (SELECT series_id FROM ids) AND
            """ + MINUTES + """
                        GROUP BY series_id) AS f
                  INNER JOIN ids AS i ON f.series_id = i.series_id
                  GROUP BY instance, version)
            GROUP BY instance
            """;

    /**
     * What {@link #SIGNALS} needs to know of an attribute set, read once per set: aggregating the Map column
     * cost more than the rest of the reduction, and an attribute set (its hash) always has the same attributes.
     */
    private static final String ATTRIBUTES = """
            SELECT toString(attr_hash) AS h,
                   attributes['jvm.memory.type'] = 'heap' AS heap,
                   has({old:Array(String)}, attributes['jvm.memory.pool.name']) AS old,
                   attributes['jvm.memory.pool.name'] = 'Metaspace' AS metaspace,
                   attributes['jvm.gc.action'] = 'end of major GC' AS major_gc
            FROM series
            WHERE metric IN {attributed:Array(String)} AND attr_hash IN arrayMap(x -> toUInt64(x), {unknown:Array(String)})
              AND ({instance:String} = '' OR instance = {instance:String})
              AND (empty({instances:Array(String)}) OR instance IN {instances:Array(String)})
            LIMIT 1 BY attr_hash
            """;

    /** Most attribute sets remembered; past it the memory starts over (sets are few: pools, collectors). */
    private static final int MAX_ATTRIBUTE_SETS = 100_000;
    /** Unknown attribute sets classified per query. */
    private static final int UNKNOWN_SLICE = 10_000;

    /**
     * Only whole 15-minute buckets inside the window count: a partial one (the quarter hour still being
     * written, or cut by the window's start) holds fewer minutes, so its minimum reads high on a sawtooth
     * and would make every instance look like it grows.
     *
     * <p>Per instance: the largest relative growth of any floor series over the window (least-squares slope
     * per hour of the per-15-minute minima, times the window's hours, over the series' mean; series with
     * fewer than 3 buckets or no variation count 0), and a bit mask of the {@link ReducedSignal}s it has
     * (ordinal bits: 0 heap floor, 1 after GC, 2 metaspace, 3 classes, 4 threads, 5 direct, 6 native, 7 fds).
     *
     * <p>One aggregation per series over the table read {@code FINAL}, so that a bucket still held by two
     * unmerged parts counts once with its lowest floor (the table is nearly always merged, and FINAL then costs
     * little). Replaced, at less than half the engine time (10,000 instances): each series' (bucket, floor)
     * pairs gathered in an array, sorted and deduplicated, then regressed (the arrays were most of the cost);
     * before that a per-(series, bucket) GROUP BY, about twice as slow again. The aggregate adds in no fixed
     * order, so the growth is rounded to 9 decimals (a share of the mean: far below any threshold) to come out
     * the same from one run to the next. Also measured and dropped: {@code minMap} per series and
     * {@code optimize_aggregation_in_order} on the bucket prefix.
     */
    private static final String SCREEN = """
            SELECT instance,
                   max(if(n >= 3 AND hi > lo, round(fit.1 * {hours:Float64} / greatest(abs(mean), 1), 9), 0)) AS growth,
                   groupBitOr(multiIf(metric = 'jvm.memory.used', 1 + 4, metric = 'jvm.memory.used_after_last_gc', 2,
                                      metric = 'jvm.class.count', 8, metric = 'jvm.thread.count', 16,
                                      metric = 'jvm.buffer.memory.used', 32, metric = 'process.memory.usage', 64,
                                      metric = 'jvm.file_descriptor.count', 128, 0)) AS present
            FROM (SELECT i.instance AS instance, i.metric AS metric, i.attr_hash AS attr_hash, count() AS n,
                         simpleLinearRegression((toUInt32(f.bucket) - intDiv({from:Int64}, 1000)) / 3600.0, f.floor) AS fit,
                         avg(f.floor) AS mean, min(f.floor) AS lo, max(f.floor) AS hi
                  -- FINAL: a bucket still held by two unmerged parts counts once, with its lowest floor
                  FROM series_floors_15m AS f FINAL
                  INNER JOIN (SELECT series_id, instance, metric, attr_hash
                              FROM series
                              WHERE ({service:String} = '' OR service = {service:String})
                                AND metric IN {metrics:Array(String)}
                              LIMIT 1 BY series_id) AS i ON f.series_id = i.series_id
                  WHERE f.bucket >= toStartOfFifteenMinutes(toDateTime(intDiv({from:Int64} + 899999, 1000), 'UTC'))
                    AND f.bucket + toIntervalMinute(15) <= toDateTime(intDiv({to:Int64}, 1000), 'UTC')
                  GROUP BY instance, metric, attr_hash)
            GROUP BY instance
            ORDER BY instance
            LIMIT {limit:UInt32}
            """;


    private static final String INSTANCES = """
            SELECT instance, argMaxMerge(service) AS service, argMaxMerge(version) AS version,
                   argMaxMerge(environment) AS environment,
                   toUnixTimestamp64Milli(min(first_seen)) AS first_ms,
                   toUnixTimestamp64Milli(max(last_seen)) AS last_ms
            FROM instances_seen
            WHERE ({instance:String} = '' OR instance = {instance:String})
              AND (empty({instances:Array(String)}) OR has({instances:Array(String)}, instance))
            GROUP BY instance
            HAVING max(last_seen) >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')
               AND min(first_seen) < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
               AND ({service:String} = '' OR service = {service:String})
            """;

    private static final String SERVICES = """
            SELECT service, version, count() AS instances, toUnixTimestamp64Milli(max(last)) AS last_ms,
                   arraySort(groupUniqArrayIf(environment, environment != '')) AS environments
            FROM (SELECT instance, argMaxMerge(service) AS service, argMaxMerge(version) AS version,
                         argMaxMerge(environment) AS environment, max(last_seen) AS last
                  FROM instances_seen
                  GROUP BY instance
                  HAVING max(last_seen) >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')
                     AND min(first_seen) < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
                     AND ({environment:String} = '' OR environment = {environment:String}))
            GROUP BY service, version
            ORDER BY service, last_ms DESC, version
            LIMIT 100000
            """;

    /** Result columns of {@link #ATTRIBUTES}, and the {@link #SIGNALS} parameter each becomes, by flag bit. */
    private static final List<String> SET_KINDS = List.of("heap", "old", "metaspace", "major_gc");
    private static final List<String> SET_PARAMS = List.of("heap", "oldsets", "metaspace", "majorgc");

    private final ClickHouseEngine engine;
    /** The instances table as the latest {@link #screen} read it; see {@link #screenedIdentities}. */
    private volatile ScreenedIdentities lastScreen;

    /** What {@link #INSTANCES} returned to a screen over [fromMs, toMs), by instance id, whatever the environment. */
    private record ScreenedIdentities(long fromMs, long toMs, Map<String, JsonNode> byInstance) {
    }
    /** Attribute set hash (decimal) to its {@link #SET_KINDS} flags; hashes never change meaning. */
    private final Map<String, Integer> attributeSets = new java.util.concurrent.ConcurrentHashMap<>();

    public ClickHouseSignalQueries(ClickHouseEngine engine) {
        this.engine = engine;
    }

    @Override
    public List<ServiceInfo> services(long fromMillis, long toMillis) {
        return services(fromMillis, toMillis, null);
    }

    @Override
    public List<ServiceInfo> services(long fromMillis, long toMillis, String environment) {
        Map<String, List<ServiceInfo.VersionCount>> versions = new LinkedHashMap<>();
        Map<String, TreeSet<String>> environments = new HashMap<>();
        for (JsonNode n : rows(SERVICES, Map.of("from", fromMillis, "to", toMillis,
                "environment", environment == null ? "" : environment))) {
            String service = n.path("service").asText();
            versions.computeIfAbsent(service, k -> new ArrayList<>())
                    .add(new ServiceInfo.VersionCount(n.path("version").asText(), n.path("instances").asLong(),
                            n.path("last_ms").asLong()));
            TreeSet<String> envs = environments.computeIfAbsent(service, k -> new TreeSet<>());
            n.path("environments").forEach(e -> envs.add(e.asText()));
        }
        List<ServiceInfo> out = new ArrayList<>();
        versions.forEach((service, list) -> out.add(new ServiceInfo(service, list,
                list.stream().mapToLong(ServiceInfo.VersionCount::instances).sum(),
                list.stream().mapToLong(ServiceInfo.VersionCount::lastSeenMillis).max().orElse(0),
                List.copyOf(environments.get(service)))));
        return out;
    }

    @Override
    public List<InstanceSignals> signals(List<String> instances, long fromMillis, long toMillis, long stepMillis) {
        if (instances.isEmpty()) {
            return List.of();
        }
        List<String> ids = instances.stream().distinct().sorted().toList();
        return signals(null, null, ids, fromMillis, toMillis, stepMillis, ids.size());
    }

    @Override
    public List<Screened> screen(String service, String environment, long fromMillis, long toMillis) {
        Map<String, Object> scope = new HashMap<>();
        scope.put("service", service == null ? "" : service);
        scope.put("instance", "");
        scope.put("instances", List.of());
        scope.put("from", fromMillis);
        scope.put("to", toMillis);
        Map<String, JsonNode> identity = new HashMap<>();
        Map<String, JsonNode> seen = new HashMap<>();
        for (JsonNode n : rows(INSTANCES, scope)) {
            seen.put(n.path("instance").asText(), n);
            if (environment == null || environment.equals(n.path("environment").asText())) {
                identity.put(n.path("instance").asText(), n);
            }
        }
        lastScreen = new ScreenedIdentities(fromMillis, toMillis, Map.copyOf(seen));
        Map<String, Object> params = new HashMap<>(scope);
        params.put("hours", (toMillis - fromMillis) / 3_600_000.0);
        params.put("metrics", SignalFloorsSchema.METRICS);
        params.put("limit", MAX_INSTANCES);
        List<Screened> out = new ArrayList<>();
        String body = new String(engine.query(SCREEN, params, "TabSeparated"), StandardCharsets.UTF_8);
        for (String line : body.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            JsonNode who = identity.get(unescape(f[0]));
            if (who == null) {
                continue; // another environment, or gone from the instances table (TTL race)
            }
            int mask = Integer.parseInt(f[2]);
            EnumSet<ReducedSignal> present = EnumSet.noneOf(ReducedSignal.class);
            for (ReducedSignal r : ReducedSignal.values()) {
                if ((mask & (1 << r.ordinal())) != 0) {
                    present.add(r);
                }
            }
            out.add(new Screened(who.path("instance").asText(), who.path("service").asText(),
                    who.path("version").asText(), who.path("environment").asText(), who.path("first_ms").asLong(),
                    Math.max(0, Double.parseDouble(f[1])), present));
            identity.remove(who.path("instance").asText());
        }
        // seen, but without coarse floors (written before the floors view existed): not screened, so a candidate
        for (JsonNode who : identity.values()) {
            out.add(new Screened(who.path("instance").asText(), who.path("service").asText(),
                    who.path("version").asText(), who.path("environment").asText(), who.path("first_ms").asLong(),
                    Double.POSITIVE_INFINITY, EnumSet.noneOf(ReducedSignal.class)));
        }
        out.sort(java.util.Comparator.comparing(Screened::instance));
        return out.size() > MAX_INSTANCES ? List.copyOf(out.subList(0, MAX_INSTANCES)) : out;
    }

    /** TabSeparated escapes backslash, tab and newline in strings. */
    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                out.append(switch (n) {
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case '0' -> '\0';
                    case 'b' -> '\b';
                    case 'f' -> '\f';
                    default -> n;
                });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    @Override
    public List<InstanceSignals> signals(String service, String instance, long fromMillis, long toMillis,
                                         long stepMillis, int limit) {
        return signals(service, instance, List.of(), fromMillis, toMillis, stepMillis, limit);
    }

    private List<InstanceSignals> signals(String service, String instance, List<String> instances, long fromMillis,
                                          long toMillis, long stepMillis, int limit) {
        long stepSeconds = Math.max(1, (Math.max(stepMillis, 60_000) + 59_999) / 60_000) * 60;
        Map<String, Object> scope = new HashMap<>();
        scope.put("service", service == null ? "" : service);
        scope.put("instance", instance == null ? "" : instance);
        scope.put("instances", instances);
        scope.put("from", fromMillis);
        scope.put("to", toMillis);

        Map<String, JsonNode> identity = screenedIdentities(service, instance, instances, fromMillis, toMillis);
        if (identity == null) {
            identity = new HashMap<>();
            for (JsonNode n : rows(INSTANCES, scope)) {
                identity.put(n.path("instance").asText(), n);
            }
        }
        Map<String, List<Long>> changes = new HashMap<>();
        java.util.Set<String> hashes = new java.util.LinkedHashSet<>();
        Map<String, Object> versionParams = new HashMap<>(scope);
        versionParams.put("attributed", ATTRIBUTED);
        versionParams.put("metrics", METRICS);
        for (JsonNode n : rows(VERSIONS, versionParams)) {
            List<Long> firsts = new ArrayList<>();
            n.path("firsts").forEach(v -> firsts.add(v.asLong()));
            if (firsts.size() > 1) {
                firsts.sort(null);
                changes.put(n.path("instance").asText(), List.copyOf(firsts.subList(1, firsts.size())));
            }
            n.path("sets").forEach(h -> hashes.add(h.asText()));
        }

        Map<String, Object> params = new HashMap<>(scope);
        params.putAll(attributeSets(scope, hashes));
        params.put("metrics", METRICS);
        params.put("lagged", LAGGED);
        params.put("floors", FLOORS);
        params.put("lasts", LASTS);
        params.put("step", stepSeconds);
        params.put("limit", Math.max(0, Math.min(limit, MAX_INSTANCES)));
        List<InstanceSignals> out = new ArrayList<>();
        for (JsonNode n : rows(SIGNALS, params)) {
            String id = n.path("instance").asText();
            JsonNode who = identity.get(id);
            if (who == null) {
                continue; // the rollup still holds it but the instances table does not (TTL race): skip
            }
            long[] t = longs(n.path("t"));
            Integer[] order = sortedOrder(t);
            EnumMap<ReducedSignal, ReducedSeries> series = new EnumMap<>(ReducedSignal.class);
            Double heapMax = positive(n.path("heap_max"));
            put(series, ReducedSignal.HEAP_USED_FLOOR, t, order, n.path("heap_used_floor"), heapMax);
            Double oldMax = positive(n.path("old_max"));
            put(series, ReducedSignal.HEAP_AFTER_GC, t, order, n.path("heap_after_gc"), oldMax != null ? oldMax : heapMax);
            put(series, ReducedSignal.METASPACE, t, order, n.path("metaspace"), positive(n.path("metaspace_max")));
            put(series, ReducedSignal.CLASSES, t, order, n.path("classes"), null);
            put(series, ReducedSignal.THREADS, t, order, n.path("threads"), null);
            put(series, ReducedSignal.DIRECT, t, order, n.path("direct"), null);
            put(series, ReducedSignal.NATIVE, t, order, n.path("native"), null);
            put(series, ReducedSignal.FDS, t, order, n.path("fds"), positive(n.path("fds_max")));
            put(series, ReducedSignal.GC_SHARE, t, order, n.path("gc_share"), null);
            long[] reclaimed = longs(n.path("reclaimed"));
            Arrays.sort(reclaimed);
            out.add(new InstanceSignals(id, who.path("service").asText(), who.path("version").asText(),
                    who.path("first_ms").asLong(), who.path("last_ms").asLong(), series, heapMax,
                    Arrays.stream(reclaimed).boxed().toList(), changes.getOrDefault(id, List.of()),
                    who.path("environment").asText()));
        }
        return out;
    }

    /**
     * The identities of {@code instances} as the latest screen over the very same window read them, or null
     * when that screen did not see them all (or the call is not for a list of instances): the second stage of a
     * ranking then skips its own read of the instances table, a fixed cost of every ranking. Same rows as
     * reading them again, but for an instance whose identity changed in between (a deploy within the
     * ranking's own milliseconds), whose version the ranking then takes from its screen.
     */
    private Map<String, JsonNode> screenedIdentities(String service, String instance, List<String> instances,
                                                     long fromMillis, long toMillis) {
        ScreenedIdentities screened = lastScreen;
        if (screened == null || service != null || instance != null || instances.isEmpty()
                || screened.fromMs() != fromMillis || screened.toMs() != toMillis
                || !screened.byInstance().keySet().containsAll(instances)) {
            return null;
        }
        Map<String, JsonNode> out = new HashMap<>();
        for (String id : instances) {
            out.put(id, screened.byInstance().get(id));
        }
        return out;
    }

    /**
     * Of the attribute sets {@code hashes} (decimal) in scope, those that {@link #SIGNALS} classifies, as its parameters
     * {@code heap}, {@code oldsets}, {@code metaspace} and {@code majorgc}; reads the attributes only of the
     * sets not seen before.
     */
    private Map<String, List<String>> attributeSets(Map<String, Object> scope, java.util.Set<String> hashes) {
        Map<String, Object> params = new HashMap<>(scope);
        params.put("attributed", ATTRIBUTED);
        params.put("old", OLD_POOLS);
        List<String> unknown = hashes.stream().filter(h -> !attributeSets.containsKey(h)).toList();
        if (!unknown.isEmpty()) {
            Map<String, Integer> found = new HashMap<>();
            // in slices: a parameter value is capped (ParamValues.MAX_VALUE_CHARS), a hash takes up to 22 chars
            for (int from = 0; from < unknown.size(); from += UNKNOWN_SLICE) {
                params.put("unknown", unknown.subList(from, Math.min(unknown.size(), from + UNKNOWN_SLICE)));
                for (JsonNode n : rows(ATTRIBUTES, params)) {
                    int flags = 0;
                    for (int bit = 0; bit < SET_KINDS.size(); bit++) {
                        JsonNode v = n.path(SET_KINDS.get(bit));
                        flags |= (v.asBoolean() || v.asInt() == 1) ? 1 << bit : 0;
                    }
                    found.put(n.path("h").asText(), flags);
                }
            }
            if (attributeSets.size() + found.size() > MAX_ATTRIBUTE_SETS) {
                attributeSets.clear();
            }
            attributeSets.putAll(found);
        }
        Map<String, List<String>> out = new HashMap<>();
        for (int bit = 0; bit < SET_KINDS.size(); bit++) {
            List<String> members = new ArrayList<>();
            for (String h : hashes) {
                Integer flags = attributeSets.get(h);
                if (flags != null && (flags & (1 << bit)) != 0) {
                    members.add(h);
                }
            }
            out.put(SET_PARAMS.get(bit), members);
        }
        return out;
    }

    private static void put(Map<ReducedSignal, ReducedSeries> out, ReducedSignal signal, long[] t, Integer[] order,
                            JsonNode values, Double limit) {
        long[] ts = new long[t.length];
        double[] vs = new double[t.length];
        int n = 0;
        for (Integer i : order) {
            JsonNode v = values.get(i);
            if (v != null && v.isNumber() && Double.isFinite(v.asDouble())) {
                ts[n] = t[i];
                vs[n] = v.asDouble();
                n++;
            }
        }
        if (n > 0) {
            out.put(signal, new ReducedSeries(signal, Arrays.copyOf(ts, n), Arrays.copyOf(vs, n), limit));
        }
    }

    private static Integer[] sortedOrder(long[] t) {
        Integer[] order = new Integer[t.length];
        for (int i = 0; i < t.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(t[a], t[b]));
        return order;
    }

    private static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }

    private static Double positive(JsonNode v) {
        return v != null && v.isNumber() && v.asDouble() > 0 && Double.isFinite(v.asDouble()) ? v.asDouble() : null;
    }

    private List<JsonNode> rows(String sql, Map<String, ?> params) {
        byte[] body = engine.query(sql, params, "JSONEachRow");
        List<JsonNode> out = new ArrayList<>();
        try (var it = JSON.readerFor(JsonNode.class).<JsonNode>readValues(body)) {
            while (it.hasNext()) {
                out.add(it.next());
            }
        } catch (IOException e) {
            throw new StoreException("cannot parse query result: " + e.getMessage(), false, e);
        }
        return out;
    }
}
