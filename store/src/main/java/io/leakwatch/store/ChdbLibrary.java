package io.leakwatch.store;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the embedded engine library: {@code LEAKWATCH_CHDB_LIB} if set, else the cache that
 * {@code scripts/fetch-chdb} fills ({@code $LEAKWATCH_CACHE}, else {@code $XDG_CACHE_HOME/leakwatch}, else
 * {@code ~/.cache/leakwatch}, then {@code chdb/<version>/libchdb.so}).
 */
public final class ChdbLibrary {
    /** The pinned chDB version (see ARCHITECTURE.md and scripts/fetch-chdb). */
    public static final String VERSION = "26.7.3-stable.1";

    private ChdbLibrary() {
    }

    /** The library path; throws a {@link StoreException} telling the user how to fetch it when absent. */
    public static Path locate() {
        String explicit = System.getenv("LEAKWATCH_CHDB_LIB");
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit);
            if (!Files.isRegularFile(p)) {
                throw new StoreException("LEAKWATCH_CHDB_LIB points at " + p + ", which is not a file", false);
            }
            return p;
        }
        Path lib = cacheDir().resolve("chdb").resolve(VERSION).resolve("libchdb.so");
        if (Files.isRegularFile(lib)) {
            return lib;
        }
        throw new StoreException("the embedded ClickHouse engine (libchdb.so " + VERSION + ") is not installed at "
                + lib + "; run scripts/fetch-chdb once (or set LEAKWATCH_CHDB_LIB)", false);
    }

    static Path cacheDir() {
        String cache = System.getenv("LEAKWATCH_CACHE");
        if (cache != null && !cache.isBlank()) {
            return Path.of(cache);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("leakwatch");
    }
}
