package io.leakwatch.store.engine;

import io.leakwatch.store.StoreException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Downcall handles for the parts of chDB's C API ({@code chdb.h}) LeakWatch uses. The library is loaded
 * once per process (it is large and keeps global state); {@link #load(Path)} returns the same instance for
 * the same path and refuses a different one.
 */
final class ChdbNative {
    private static ChdbNative loaded;

    final MethodHandle setSignalHandlersEnabled; // void (int)
    final MethodHandle connect;                  // chdb_connection* (int, char**)
    final MethodHandle closeConn;                // void (chdb_connection*)
    final MethodHandle queryWithParamsN;         // chdb_result* (conn, q, qlen, fmt, flen, names, nlens, vals, vlens, n)
    final MethodHandle resultBuffer;             // char* (chdb_result*)
    final MethodHandle resultLength;             // size_t (chdb_result*)
    final MethodHandle resultError;              // const char* (chdb_result*)
    final MethodHandle resultRowsWritten;        // uint64 (chdb_result*)
    final MethodHandle destroyQueryResult;       // void (chdb_result*)
    final MethodHandle streamInsertN;            // chdb_insert_stream (conn, q, qlen, fmt, flen)
    final MethodHandle streamAppend;             // chdb_state (stream, data, len)
    final MethodHandle streamDone;               // chdb_result* (stream)
    final MethodHandle streamInsertError;        // const char* (stream)
    final MethodHandle destroyInsertStream;      // void (stream)
    final MethodHandle shutdown;                 // chdb_state (void)
    final Path library;

    private ChdbNative(Path library) {
        this.library = library;
        SymbolLookup lookup = SymbolLookup.libraryLookup(library, Arena.global());
        Linker linker = Linker.nativeLinker();
        setSignalHandlersEnabled = handle(linker, lookup, "chdb_set_signal_handlers_enabled",
                FunctionDescriptor.ofVoid(JAVA_INT));
        connect = handle(linker, lookup, "chdb_connect", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS));
        closeConn = handle(linker, lookup, "chdb_close_conn", FunctionDescriptor.ofVoid(ADDRESS));
        queryWithParamsN = handle(linker, lookup, "chdb_query_with_params_n", FunctionDescriptor.of(ADDRESS,
                ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
        resultBuffer = handle(linker, lookup, "chdb_result_buffer", FunctionDescriptor.of(ADDRESS, ADDRESS));
        resultLength = handle(linker, lookup, "chdb_result_length", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        resultError = handle(linker, lookup, "chdb_result_error", FunctionDescriptor.of(ADDRESS, ADDRESS));
        resultRowsWritten = handle(linker, lookup, "chdb_result_rows_written", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        destroyQueryResult = handle(linker, lookup, "chdb_destroy_query_result", FunctionDescriptor.ofVoid(ADDRESS));
        streamInsertN = handle(linker, lookup, "chdb_stream_insert_n",
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG));
        streamAppend = handle(linker, lookup, "chdb_stream_append",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
        streamDone = handle(linker, lookup, "chdb_stream_done", FunctionDescriptor.of(ADDRESS, ADDRESS));
        streamInsertError = handle(linker, lookup, "chdb_stream_insert_error", FunctionDescriptor.of(ADDRESS, ADDRESS));
        destroyInsertStream = handle(linker, lookup, "chdb_destroy_insert_stream", FunctionDescriptor.ofVoid(ADDRESS));
        shutdown = handle(linker, lookup, "chdb_shutdown", FunctionDescriptor.of(JAVA_INT));
    }

    static synchronized ChdbNative loadedOrNull() {
        return loaded;
    }

    static synchronized ChdbNative load(Path library) {
        Path real;
        try {
            real = library.toRealPath();
        } catch (Exception e) {
            throw new StoreException("chDB library not found at " + library
                    + " (run scripts/fetch-chdb, or set LEAKWATCH_CHDB_LIB)", false, e);
        }
        if (loaded == null) {
            if (!Files.isRegularFile(real)) {
                throw new StoreException("chDB library is not a file: " + real, false);
            }
            loaded = new ChdbNative(real);
            try {
                // The JVM owns SIGSEGV/SIGBUS etc. (safepoints, implicit null checks); chDB's process-wide
                // handlers would take them over, so they are switched off before the first connect.
                loaded.setSignalHandlersEnabled.invokeExact(0);
            } catch (Throwable t) {
                throw new StoreException("chDB: cannot disable its signal handlers", false, t);
            }
        } else if (!loaded.library.equals(real)) {
            throw new StoreException("chDB already loaded from " + loaded.library + "; cannot also load " + real, false);
        }
        return loaded;
    }

    private static MethodHandle handle(Linker linker, SymbolLookup lookup, String name, FunctionDescriptor fd) {
        MemorySegment symbol = lookup.find(name).orElseThrow(() ->
                new StoreException("chDB library lacks symbol " + name + " (wrong version?)", false));
        return linker.downcallHandle(symbol, fd);
    }

    /** Reads a NUL-terminated C string, or null for NULL. */
    static String cString(MemorySegment p) {
        if (p == null || p.equals(MemorySegment.NULL)) {
            return null;
        }
        return p.reinterpret(Long.MAX_VALUE).getString(0);
    }
}
