package io.leakwatch.store.engine;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.ClientException;
import com.clickhouse.client.api.ConnectionInitiationException;
import com.clickhouse.client.api.ServerException;
import com.clickhouse.client.api.command.CommandResponse;
import com.clickhouse.client.api.insert.InsertResponse;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.client.api.query.QueryResponse;
import com.clickhouse.client.api.query.QuerySettings;
import com.clickhouse.data.ClickHouseFormat;
import io.leakwatch.store.StoreException;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A ClickHouse server (or the embedded HTTP interface) through client-v2 over HTTP. Parameters are sent
 * natively ({@code param_<name>}), formatted by {@link ParamValues} exactly as the embedded engine gets
 * them. Errors carry the server's message; {@link StoreException#retryable()} is true only for the
 * transient cases named in {@link RetryableErrors} and for connect/socket timeouts.
 */
public final class ServerEngine implements ClickHouseEngine {
    private static final long TIMEOUT_SECONDS = 120;
    private final Client client;
    private final String url;
    private final boolean distributed;
    private volatile boolean closed;

    private ServerEngine(Client client, String url, boolean distributed) {
        this.client = client;
        this.url = url;
        this.distributed = distributed;
    }

    /** Connects lazily to a single server; {@link #ping()} tells whether the server answers. */
    public static ServerEngine open(String url, String user, String password, String database, int maxConnections) {
        return open(url, user, password, database, maxConnections, false);
    }

    /**
     * Connects lazily. With {@code distributed} (the schema is laid out on a cluster) every insert goes into a
     * {@code Distributed} table and is made synchronous, see {@link ServerEngineSettings}.
     */
    public static ServerEngine open(String url, String user, String password, String database, int maxConnections,
                                    boolean distributed) {
        Client client = new Client.Builder()
                .addEndpoint(url)
                .setUsername(user)
                .setPassword(password == null ? "" : password)
                .setDefaultDatabase(Identifiers.identifier(database))
                .setMaxConnections(maxConnections)
                // responses are read as plain bytes; the embedded HTTP interface does not speak LZ4 framing
                .compressServerResponse(false)
                .setClientName("leakwatch")
                .build();
        return new ServerEngine(client, url, distributed);
    }

    @Override
    public String mode() {
        return "server";
    }

    @Override
    public void execute(String sql, Map<String, ?> params) {
        try (CommandResponse ignored = await(client.execute(sql, native_(params)))) {
            // the command's summary is not needed
        } catch (StoreException e) {
            throw e;
        } catch (Exception e) {
            throw map(e);
        }
    }

    @Override
    public byte[] query(String sql, Map<String, ?> params, String format) {
        QuerySettings settings = new QuerySettings().setFormat(ClickHouseFormat.valueOf(Identifiers.format(format)));
        if (distributed) {
            // Reads join series-keyed tables with the series table inside subqueries. Every series-keyed table is
            // sharded by the series' instance (Topology), so each shard can answer its part from its own local
            // tables: "local" runs the inner subqueries there instead of refusing a double-distributed query.
            settings.serverSetting("distributed_product_mode", "local");
        }
        try (QueryResponse response = await(client.query(sql, native_(params), settings));
             InputStream in = response.getInputStream()) {
            return in.readAllBytes();
        } catch (StoreException e) {
            throw e;
        } catch (Exception e) {
            throw map(e);
        }
    }

    @Override
    public long insert(String table, List<String> columns, String format, byte[] data, String dedupToken,
                       Map<String, String> extra) {
        InsertSettings settings = new InsertSettings();
        ServerEngineSettings.of(dedupToken, distributed).forEach(settings::serverSetting);
        extra.forEach((name, value) -> settings.serverSetting(Identifiers.identifier(name), value));
        if (dedupToken != null) {
            settings.setDeduplicationToken(Identifiers.dedupToken(dedupToken));
        }
        columns.forEach(Identifiers::identifier);
        try (InsertResponse r = await(client.insert(Identifiers.identifier(table), columns,
                new ByteArrayInputStream(data), ClickHouseFormat.valueOf(Identifiers.format(format)), settings))) {
            return r.getWrittenRows();
        } catch (StoreException e) {
            throw e;
        } catch (Exception e) {
            throw map(e);
        }
    }

    @Override
    public boolean ping() {
        try {
            return !closed && client.ping(5_000);
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            client.close();
        }
    }

    @Override
    public String toString() {
        return "ServerEngine[" + url + "]";
    }

    private static Map<String, Object> native_(Map<String, ?> params) {
        return new LinkedHashMap<>(ParamValues.formatAll(params));
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> future) throws Exception {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new StoreException("ClickHouse did not answer within " + TIMEOUT_SECONDS + " s", true, e);
        }
    }

    /** Classifies a client-v2 failure by its root cause. */
    static StoreException map(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ServerException se) {
                return new StoreException(se.getMessage(), RetryableErrors.isRetryableCode(se.getCode()), e);
            }
            if (t instanceof SocketTimeoutException || t instanceof ConnectException
                    || t instanceof ConnectionInitiationException || t instanceof java.net.NoRouteToHostException
                    || t instanceof org.apache.hc.core5.http.NoHttpResponseException) {
                return new StoreException("ClickHouse unreachable: " + t.getMessage(), true, e);
            }
            if (t instanceof UnknownHostException) {
                return new StoreException("ClickHouse host unknown: " + t.getMessage(), false, e);
            }
            if (t instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                return new StoreException("interrupted", true, e);
            }
        }
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        boolean retryable = e instanceof ClientException && RetryableErrors.isRetryableCode(RetryableErrors.codeOf(message));
        return new StoreException(message, retryable, e);
    }
}
