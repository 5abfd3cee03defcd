package io.leakwatch.store.engine;

import io.leakwatch.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The embedded engine: chDB ({@code libchdb.so}) in this process through the Foreign Function &amp; Memory
 * API, storing into one data directory.
 *
 * <p>Promises:
 * <ul>
 *   <li>Thread-safe. A chDB connection runs one statement at a time, so the engine keeps a small pool of
 *       connections to the same path (chDB allows several per process and runs them in parallel); each is
 *       used by one thread at a time.</li>
 *   <li>One process owns a data directory: a second process gets a {@link StoreException} saying the
 *       directory is in use. One process can have one data directory open at a time (a chDB limit).</li>
 *   <li>Values are bound with chDB's native query parameters; inserted data goes through chDB's streaming
 *       insert, never into SQL text.</li>
 *   <li>Every connection is closed before the JVM exits (a shutdown hook), then the engine's threads are
 *       stopped; {@link #close()} is idempotent.</li>
 * </ul>
 */
public final class ChdbEngine implements ClickHouseEngine {
    private static final Logger LOG = LoggerFactory.getLogger(ChdbEngine.class);
    private static final int APPEND_CHUNK = 1 << 20;
    private static final String LOCK_FILE = ".leakwatch.lock";
    private static final Set<ChdbEngine> OPEN = ConcurrentHashMap.newKeySet();
    private static Path openPath;
    private static FileChannel lockChannel;
    private static FileLock lock;
    private static boolean hookRegistered;

    private final ChdbNative nat;
    private final Path dataDir;
    private final BlockingQueue<MemorySegment> idle;
    private final List<MemorySegment> all = new ArrayList<>();
    private volatile boolean closed;

    private ChdbEngine(ChdbNative nat, Path dataDir, int poolSize) {
        this.nat = nat;
        this.dataDir = dataDir;
        this.idle = new ArrayBlockingQueue<>(poolSize);
    }

    /**
     * Opens (creating if needed) the data directory with {@code poolSize} connections.
     *
     * @throws StoreException if the directory is used by another process, another directory is open in this
     *                        process, or the library cannot be loaded
     */
    public static ChdbEngine open(Path library, Path dataDir, int poolSize) {
        if (poolSize < 1 || poolSize > 64) {
            throw new StoreException("chDB pool size must be 1..64, got " + poolSize, false);
        }
        ChdbNative nat = ChdbNative.load(library);
        Path dir;
        try {
            Files.createDirectories(dataDir);
            dir = dataDir.toRealPath();
        } catch (IOException e) {
            throw new StoreException("cannot create data directory " + dataDir + ": " + e.getMessage(), false, e);
        }
        ChdbEngine engine = new ChdbEngine(nat, dir, poolSize);
        synchronized (ChdbEngine.class) {
            acquireDirectory(dir);
            registerShutdownHook();
            OPEN.add(engine);
            try {
                for (int i = 0; i < poolSize; i++) {
                    MemorySegment conn = engine.connect();
                    engine.all.add(conn);
                    engine.idle.add(conn);
                }
            } catch (RuntimeException e) {
                engine.close();
                throw e;
            }
        }
        LOG.info("embedded ClickHouse (chDB) open at {} with {} connections", dir, poolSize);
        return engine;
    }

    /** Data directory this engine stores into. */
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public String mode() {
        return "embedded";
    }

    @Override
    public void execute(String sql, Map<String, ?> params) {
        query(sql, params, "Null");
    }

    @Override
    public byte[] query(String sql, Map<String, ?> params, String format) {
        return queryFormatted(sql, ParamValues.formatAll(params), format);
    }

    /**
     * Like {@link #query(String, Map, String)} with parameter values already in ClickHouse's parameter text
     * form (as {@code param_<name>} arrives over HTTP). For the embedded HTTP interface.
     */
    public byte[] queryFormatted(String sql, Map<String, String> bound, String format) {
        bound.keySet().forEach(Identifiers::identifier);
        String fmt = Identifiers.format(format);
        MemorySegment conn = borrow();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment q = arena.allocateFrom(sql);
            MemorySegment f = arena.allocateFrom(fmt);
            int n = bound.size();
            MemorySegment names = MemorySegment.NULL;
            MemorySegment nameLens = MemorySegment.NULL;
            MemorySegment values = MemorySegment.NULL;
            MemorySegment valueLens = MemorySegment.NULL;
            if (n > 0) {
                names = arena.allocate(ADDRESS, n);
                nameLens = arena.allocate(JAVA_LONG, n);
                values = arena.allocate(ADDRESS, n);
                valueLens = arena.allocate(JAVA_LONG, n);
                int i = 0;
                for (Map.Entry<String, String> e : bound.entrySet()) {
                    byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
                    byte[] value = e.getValue().getBytes(StandardCharsets.UTF_8);
                    names.setAtIndex(ADDRESS, i, arena.allocateFrom(ValueLayout.JAVA_BYTE, name));
                    nameLens.setAtIndex(JAVA_LONG, i, name.length);
                    values.setAtIndex(ADDRESS, i, value.length == 0 ? arena.allocate(1)
                            : arena.allocateFrom(ValueLayout.JAVA_BYTE, value));
                    valueLens.setAtIndex(JAVA_LONG, i, value.length);
                    i++;
                }
            }
            MemorySegment result = (MemorySegment) nat.queryWithParamsN.invokeExact(handle(conn), q, q.byteSize() - 1,
                    f, f.byteSize() - 1, names, nameLens, values, valueLens, (long) n);
            try {
                checkResult(result, sql);
                long len = (long) nat.resultLength.invokeExact(result);
                if (len == 0) {
                    return new byte[0];
                }
                if (len > Integer.MAX_VALUE - 16) {
                    throw new StoreException("query result too large (" + len + " bytes)", false);
                }
                MemorySegment buf = (MemorySegment) nat.resultBuffer.invokeExact(result);
                return buf.reinterpret(len).toArray(ValueLayout.JAVA_BYTE);
            } finally {
                destroy(result);
            }
        } catch (StoreException e) {
            throw e;
        } catch (Throwable t) {
            throw new StoreException("chDB query failed: " + t, false, t);
        } finally {
            release(conn);
        }
    }

    @Override
    public long insert(String table, List<String> columns, String format, byte[] data, String dedupToken,
                       Map<String, String> settings) {
        return insertStatement(Identifiers.insertStatement(table, columns, dedupToken, settings), format, data);
    }

    /**
     * Streams {@code data} into an INSERT given as SQL text without FORMAT clause or data. For callers that
     * receive a complete INSERT statement (the embedded HTTP interface); others use
     * {@link #insert(String, List, String, byte[], String, Map)}.
     */
    public long insertStatement(String insertSql, String format, byte[] data) {
        String fmt = Identifiers.format(format);
        MemorySegment conn = borrow();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment q = arena.allocateFrom(insertSql);
            MemorySegment f = arena.allocateFrom(fmt);
            MemorySegment stream = (MemorySegment) nat.streamInsertN.invokeExact(handle(conn), q, q.byteSize() - 1,
                    f, f.byteSize() - 1);
            if (stream.equals(MemorySegment.NULL)) {
                throw new StoreException("chDB returned no insert stream for: " + abbreviate(insertSql), false);
            }
            try {
                String err = ChdbNative.cString((MemorySegment) nat.streamInsertError.invokeExact(stream));
                if (err != null) {
                    throw engineError(err);
                }
                MemorySegment chunk = arena.allocate(Math.min(APPEND_CHUNK, Math.max(1, data.length)));
                for (int off = 0; off < data.length; off += APPEND_CHUNK) {
                    int len = Math.min(APPEND_CHUNK, data.length - off);
                    MemorySegment.copy(data, off, chunk, ValueLayout.JAVA_BYTE, 0, len);
                    int state = (int) nat.streamAppend.invokeExact(stream, chunk, (long) len);
                    if (state != 0) {
                        String e = ChdbNative.cString((MemorySegment) nat.streamInsertError.invokeExact(stream));
                        throw engineError(e == null ? "chDB stream append failed" : e);
                    }
                }
                MemorySegment result = (MemorySegment) nat.streamDone.invokeExact(stream);
                try {
                    checkResult(result, insertSql);
                    return (long) nat.resultRowsWritten.invokeExact(result);
                } finally {
                    destroy(result);
                }
            } finally {
                nat.destroyInsertStream.invokeExact(stream);
            }
        } catch (StoreException e) {
            throw e;
        } catch (Throwable t) {
            throw new StoreException("chDB insert failed: " + t, false, t);
        } finally {
            release(conn);
        }
    }

    @Override
    public boolean ping() {
        try {
            return new String(query("SELECT 1", Map.of(), "TabSeparated"), StandardCharsets.UTF_8).trim().equals("1");
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        synchronized (ChdbEngine.class) {
            if (closed) {
                return;
            }
            closed = true;
            int waitedFor = 0;
            // In-flight statements return their connection to the pool; wait for them a bounded time.
            for (int i = 0; i < all.size(); i++) {
                try {
                    MemorySegment conn = idle.poll(30, TimeUnit.SECONDS);
                    if (conn == null) {
                        LOG.warn("chDB: a connection stayed busy for 30 s during close; closing the rest");
                        break;
                    }
                    closeConnection(conn);
                    waitedFor++;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            OPEN.remove(this);
            if (OPEN.isEmpty()) {
                releaseDirectory();
            }
            LOG.info("embedded ClickHouse (chDB) at {} closed ({} connections)", dataDir, waitedFor);
        }
    }

    private MemorySegment connect() {
        try (Arena arena = Arena.ofConfined()) {
            String[] args = {"leakwatch", "--path=" + dataDir};
            MemorySegment argv = arena.allocate(ADDRESS, args.length + 1);
            for (int i = 0; i < args.length; i++) {
                argv.setAtIndex(ADDRESS, i, arena.allocateFrom(args[i]));
            }
            argv.setAtIndex(ADDRESS, args.length, MemorySegment.NULL);
            MemorySegment connPtr = (MemorySegment) nat.connect.invokeExact(args.length, argv);
            if (connPtr.equals(MemorySegment.NULL)) {
                throw new StoreException("chDB could not open data directory " + dataDir
                        + " (is it in use by another LeakWatch process, or not writable?)", false);
            }
            MemorySegment conn = connPtr.reinterpret(ADDRESS.byteSize()).get(ADDRESS, 0);
            if (conn.equals(MemorySegment.NULL)) {
                throw new StoreException("chDB could not open data directory " + dataDir, false);
            }
            return connPtr.reinterpret(ADDRESS.byteSize());
        } catch (StoreException e) {
            throw e;
        } catch (Throwable t) {
            throw new StoreException("chDB connect failed: " + t, false, t);
        }
    }

    private void closeConnection(MemorySegment connPtr) {
        try {
            nat.closeConn.invokeExact(connPtr);
        } catch (Throwable t) {
            LOG.warn("chDB: closing a connection failed: {}", t.toString());
        }
    }

    /**
     * Retryable: the engine closes only when its process stops, so a caller (an OTLP sender, a Kafka
     * batch) should try again later, against this process after a restart or another replica.
     */
    private static StoreException closedError() {
        return new StoreException("embedded engine is closed", true);
    }

    /** Borrows a connection handle ({@code chdb_connection}, the dereferenced pointer). */
    private MemorySegment borrow() {
        if (closed) {
            throw closedError();
        }
        try {
            MemorySegment connPtr = null;
            // poll, not take: a caller must not wait forever on a pool that close() has drained
            while (connPtr == null) {
                if (closed) {
                    throw closedError();
                }
                connPtr = idle.poll(100, TimeUnit.MILLISECONDS);
            }
            if (closed) {
                idle.add(connPtr);
                throw closedError();
            }
            return connPtr;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for a chDB connection", true, e);
        }
    }

    /** The {@code chdb_connection} value behind a pooled {@code chdb_connection*}. */
    private static MemorySegment handle(MemorySegment connPtr) {
        return connPtr.get(ADDRESS, 0);
    }

    private void release(MemorySegment connPtr) {
        idle.add(connPtr);
    }

    private void checkResult(MemorySegment result, String sql) throws Throwable {
        if (result.equals(MemorySegment.NULL)) {
            throw new StoreException("chDB returned no result for: " + abbreviate(sql), false);
        }
        String err = ChdbNative.cString((MemorySegment) nat.resultError.invokeExact(result));
        if (err != null && !err.isEmpty()) {
            throw engineError(err);
        }
    }

    private void destroy(MemorySegment result) {
        if (result.equals(MemorySegment.NULL)) {
            return;
        }
        try {
            nat.destroyQueryResult.invokeExact(result);
        } catch (Throwable t) {
            LOG.warn("chDB: freeing a result failed: {}", t.toString());
        }
    }

    private static StoreException engineError(String message) {
        int code = RetryableErrors.codeOf(message);
        return new StoreException(message.strip(), RetryableErrors.isRetryableCode(code));
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    private static void acquireDirectory(Path dir) {
        if (openPath != null) {
            if (openPath.equals(dir)) {
                return;
            }
            throw new StoreException("this process already has embedded data directory " + openPath
                    + " open; chDB can open only one data directory per process", false);
        }
        try {
            FileChannel ch = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock l = ch.tryLock();
            if (l == null) {
                ch.close();
                throw new StoreException("data directory " + dir + " is in use by another LeakWatch process", false);
            }
            lockChannel = ch;
            lock = l;
            openPath = dir;
        } catch (IOException e) {
            throw new StoreException("cannot lock data directory " + dir + ": " + e.getMessage(), false, e);
        }
    }

    private static void releaseDirectory() {
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            LOG.warn("cannot release lock of {}: {}", openPath, e.toString());
        }
        lock = null;
        lockChannel = null;
        openPath = null;
    }

    private static void registerShutdownHook() {
        if (hookRegistered) {
            return;
        }
        hookRegistered = true;
        // Without closing every connection before exit the JVM was seen to crash (SIGSEGV) in chDB's
        // teardown; chdb_shutdown then joins the engine's threads.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (ChdbEngine e : List.copyOf(OPEN)) {
                e.close();
            }
            ChdbNative nat = ChdbNative.loadedOrNull();
            if (nat != null) {
                try {
                    int unused = (int) nat.shutdown.invokeExact();
                } catch (Throwable t) {
                    // exiting anyway
                }
            }
        }, "leakwatch-chdb-shutdown"));
    }
}
