package io.leakwatch.demo;

import io.leakwatch.demo.scenario.BatchAccumulateRelease;
import io.leakwatch.demo.scenario.BoundedLruCache;
import io.leakwatch.demo.scenario.CapturedHandlerLeak;
import io.leakwatch.demo.scenario.ClassLoaderRedeployLeak;
import io.leakwatch.demo.scenario.CommittedGrowsLiveFlat;
import io.leakwatch.demo.scenario.DirectBufferLeak;
import io.leakwatch.demo.scenario.LazyClassLoading;
import io.leakwatch.demo.scenario.LeakAfterDeploy;
import io.leakwatch.demo.scenario.ListenerRegistryLeak;
import io.leakwatch.demo.scenario.NativeDeflaterLeak;
import io.leakwatch.demo.scenario.PoolErrorPathLeak;
import io.leakwatch.demo.scenario.PoolGrowsToMax;
import io.leakwatch.demo.scenario.PooledThreadLocalLeak;
import io.leakwatch.demo.scenario.SlowLeakBigSawtooth;
import io.leakwatch.demo.scenario.StaticMapLeak;
import io.leakwatch.demo.scenario.ThreadPerTaskLeak;
import io.leakwatch.demo.scenario.TrafficWave;
import io.leakwatch.demo.scenario.UnclosedStreamsLeak;
import io.leakwatch.demo.scenario.UniqueIdCacheLeak;
import java.util.List;
import java.util.Optional;

/**
 * The registry of the scenario zoo: every scenario, leaks first, in the order of the manifest
 * ({@code io/leakwatch/demo/scenarios.json}), which a test keeps in exact agreement with this list.
 */
public final class Scenarios {
    private static final List<Scenario> ALL = List.of(
            new StaticMapLeak(),
            new UniqueIdCacheLeak(),
            new ListenerRegistryLeak(),
            new CapturedHandlerLeak(),
            new UnclosedStreamsLeak(),
            new ThreadPerTaskLeak(),
            new PooledThreadLocalLeak(),
            new ClassLoaderRedeployLeak(),
            new DirectBufferLeak(),
            new NativeDeflaterLeak(),
            new PoolErrorPathLeak(),
            new SlowLeakBigSawtooth(),
            new LeakAfterDeploy(),
            new BoundedLruCache(),
            new PoolGrowsToMax(),
            new BatchAccumulateRelease(),
            new TrafficWave(),
            new LazyClassLoading(),
            new CommittedGrowsLiveFlat());

    /** Manifest resource path, for {@link Class#getResourceAsStream}. */
    public static final String MANIFEST = "/io/leakwatch/demo/scenarios.json";

    private Scenarios() {
    }

    public static List<Scenario> all() {
        return ALL;
    }

    public static Optional<Scenario> byName(String name) {
        return ALL.stream().filter(scenario -> scenario.name().equals(name)).findFirst();
    }
}
