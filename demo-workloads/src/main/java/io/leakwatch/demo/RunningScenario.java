package io.leakwatch.demo;

/**
 * A started scenario. It runs on its own daemon threads until {@link #close()}, which stops those
 * threads, releases what the scenario holds (threads, files, buffers, loaders) and is idempotent.
 */
public interface RunningScenario extends AutoCloseable {

    /** The scenario's registry name. */
    String name();

    /**
     * What the scenario currently keeps reachable, in the signal's base unit: bytes for heap, direct,
     * native and metaspace scenarios; classes, threads or open files for the others. Read from the
     * scenario's own bookkeeping, so tests need not rely on GC timing.
     */
    long retained();

    /**
     * Units of work done so far (entries put, tasks run, buffers allocated...), so a test can see a
     * healthy scenario keeps working while its {@link #retained()} stays bounded.
     */
    long operations();

    @Override
    void close();
}
