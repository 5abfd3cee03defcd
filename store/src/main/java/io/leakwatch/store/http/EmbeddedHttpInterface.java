package io.leakwatch.store.http;

import io.leakwatch.store.StoreException;
import io.leakwatch.store.engine.ChdbEngine;
import io.leakwatch.store.engine.Identifiers;
import io.leakwatch.store.engine.ParamValues;
import io.leakwatch.store.engine.RetryableErrors;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves the embedded engine over the subset of ClickHouse's HTTP interface that client-v2 and jdbc-v2
 * use, on 127.0.0.1 only (no authentication: loopback tools and tests). Supported: {@code GET /ping};
 * the query in the {@code query} URL parameter and/or the POST body; {@code param_<name>} query
 * parameters; {@code default_format} or a trailing FORMAT clause; {@code database=default};
 * INSERT … FORMAT x with the data in the body (streamed into the engine, never into SQL text), with
 * settings passed as URL parameters applied to the INSERT. Settings on other statements are ignored.
 * Errors are HTTP 500 with ClickHouse's error text and {@code X-ClickHouse-Exception-Code}. Response
 * compression is not spoken: clients must disable it ({@code compressServerResponse(false)},
 * jdbc {@code compress=false}).
 *
 * <p>Engine calls run on worker threads, never on the event loop.
 */
public final class EmbeddedHttpInterface implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedHttpInterface.class);
    /** Default port, ClickHouse's own HTTP port. */
    public static final int DEFAULT_PORT = 8123;
    /** Largest request body accepted (query text or insert data). */
    public static final long MAX_BODY_BYTES = 256L << 20;
    private static final Pattern INSERT_WITH_FORMAT =
            Pattern.compile("(?is)^\\s*(INSERT\\s+INTO\\s+.+?)\\s+FORMAT\\s+([A-Za-z0-9_]+)\\s*;?\\s*$");
    private static final Pattern TRAILING_FORMAT = Pattern.compile("(?is)\\sFORMAT\\s+([A-Za-z0-9_]+)\\s*;?\\s*$");
    /** URL parameters that are transport options, not ClickHouse settings. */
    private static final Set<String> NOT_SETTINGS = Set.of("query", "database", "default_format", "user", "password",
            "query_id", "session_id", "session_timeout", "session_check", "compress", "decompress",
            "enable_http_compression", "wait_end_of_query", "extremes", "client_protocol_version", "buffer_size",
            "http_headers_progress_interval_ms", "send_progress_in_http_headers", "role", "session_timezone");

    private final Vertx vertx;
    private final boolean ownVertx;
    private final ChdbEngine engine;
    private final HttpServer server;

    private EmbeddedHttpInterface(Vertx vertx, boolean ownVertx, ChdbEngine engine, HttpServer server) {
        this.vertx = vertx;
        this.ownVertx = ownVertx;
        this.engine = engine;
        this.server = server;
    }

    /** Starts on 127.0.0.1:{@code port} (0: any free port) with a Vert.x instance of its own. */
    public static EmbeddedHttpInterface start(ChdbEngine engine, int port) {
        Vertx vertx = Vertx.vertx();
        try {
            return start(vertx, true, engine, port);
        } catch (RuntimeException e) {
            vertx.close();
            throw e;
        }
    }

    /** Starts on an existing Vert.x instance (closing the interface does not close it). */
    public static EmbeddedHttpInterface start(Vertx vertx, ChdbEngine engine, int port) {
        return start(vertx, false, engine, port);
    }

    private static EmbeddedHttpInterface start(Vertx vertx, boolean own, ChdbEngine engine, int port) {
        EmbeddedHttpInterface[] self = new EmbeddedHttpInterface[1];
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port));
        server.requestHandler(req -> self[0].handle(req));
        HttpServer listening;
        try {
            listening = server.listen().await();
        } catch (Exception e) {
            throw new StoreException("cannot listen on 127.0.0.1:" + port + ": " + e.getMessage(), false, e);
        }
        self[0] = new EmbeddedHttpInterface(vertx, own, engine, listening);
        LOG.info("embedded ClickHouse HTTP interface on 127.0.0.1:{}", listening.actualPort());
        return self[0];
    }

    /** The port actually bound. */
    public int port() {
        return server.actualPort();
    }

    @Override
    public void close() {
        try {
            server.close().await();
        } catch (Exception e) {
            LOG.debug("closing HTTP interface: {}", e.toString());
        }
        if (ownVertx) {
            vertx.close();
        }
    }

    private void handle(HttpServerRequest req) {
        if (req.path().equals("/ping") && req.method() == HttpMethod.GET) {
            req.response().putHeader("Content-Type", "text/plain; charset=UTF-8").end("Ok.\n");
            return;
        }
        if (!req.path().equals("/")) {
            fail(req, 404, 0, "Code: 0. DB::Exception: There is no handle " + req.path() + ". (UNKNOWN)");
            return;
        }
        String length = req.getHeader("Content-Length");
        if (length != null && parseLong(length) > MAX_BODY_BYTES) {
            fail(req, 413, 0, "Code: 0. DB::Exception: request body larger than " + MAX_BODY_BYTES + " bytes. (UNKNOWN)");
            return;
        }
        Buffer body = Buffer.buffer();
        boolean[] tooLarge = {false};
        req.handler(chunk -> {
            if (tooLarge[0]) {
                return;
            }
            if (body.length() + (long) chunk.length() > MAX_BODY_BYTES) {
                tooLarge[0] = true;
                fail(req, 413, 0, "Code: 0. DB::Exception: request body larger than " + MAX_BODY_BYTES + " bytes. (UNKNOWN)");
            } else {
                body.appendBuffer(chunk);
            }
        });
        req.endHandler(v -> {
            if (!tooLarge[0]) {
                // ';' is an ordinary character of SQL text, not a parameter separator as Netty assumes by default
                MultiMap params = MultiMap.caseInsensitiveMultiMap().addAll(req.params(true));
                // client-v2 and jdbc-v2 send the format and database as headers, as ClickHouse allows
                String formatHeader = req.getHeader("X-ClickHouse-Format");
                if (formatHeader != null && !params.contains("default_format")) {
                    params.set("default_format", formatHeader);
                }
                String databaseHeader = req.getHeader("X-ClickHouse-Database");
                if (databaseHeader != null && !params.contains("database")) {
                    params.set("database", databaseHeader);
                }
                String queryId = params.contains("query_id") ? params.get("query_id") : UUID.randomUUID().toString();
                vertx.executeBlocking(() -> run(params, body.getBytes()), false)
                        .onComplete(ar -> {
                            if (ar.succeeded()) {
                                reply(req, ar.result(), queryId);
                            } else {
                                Throwable t = ar.cause();
                                String message = t.getMessage() == null ? t.toString() : t.getMessage();
                                int code = RetryableErrors.codeOf(message);
                                if (code == 0) {
                                    message = "Code: 0. DB::Exception: " + message;
                                }
                                fail(req, 500, code, message);
                            }
                        });
            }
        });
    }

    /** What one request produced. */
    private record Outcome(byte[] body, String format, long writtenRows) {
    }

    private Outcome run(MultiMap params, byte[] body) {
        String database = params.get("database");
        if (database != null && !database.isEmpty() && !database.equals("default")) {
            throw new StoreException("Code: 81. DB::Exception: Database " + database
                    + " does not exist (the embedded engine serves only 'default'). (UNKNOWN_DATABASE)", false);
        }
        String urlQuery = params.get("query");
        String sql;
        byte[] data = null;
        if (urlQuery != null) {
            Matcher insert = INSERT_WITH_FORMAT.matcher(urlQuery);
            if (insert.matches()) {
                return new Outcome(new byte[0], null,
                        engine.insertStatement(withSettings(insert.group(1), params), insert.group(2), body));
            }
            sql = body.length == 0 ? urlQuery : urlQuery + "\n" + new String(body, StandardCharsets.UTF_8);
        } else {
            sql = new String(body, StandardCharsets.UTF_8);
        }
        if (sql.isBlank()) {
            throw new StoreException("Code: 62. DB::Exception: Empty query. (SYNTAX_ERROR)", false);
        }
        Map<String, String> bound = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : params.entries()) {
            if (e.getKey().startsWith("param_")) {
                bound.put(e.getKey().substring("param_".length()), e.getValue());
            }
        }
        String format = params.get("default_format");
        Matcher trailing = TRAILING_FORMAT.matcher(sql);
        if (trailing.find()) {
            format = trailing.group(1);
        }
        if (format == null || format.isEmpty()) {
            format = "TabSeparated";
        }
        return new Outcome(engine.queryFormatted(sql, bound, format), format, 0);
    }

    /** Appends URL-parameter settings to an INSERT (names validated, values as quoted literals). */
    private static String withSettings(String insertSql, MultiMap params) {
        StringBuilder settings = new StringBuilder();
        for (Map.Entry<String, String> e : params.entries()) {
            String name = e.getKey();
            if (NOT_SETTINGS.contains(name) || name.startsWith("param_")) {
                continue;
            }
            settings.append(settings.isEmpty() ? " SETTINGS " : ", ")
                    .append(Identifiers.identifier(name)).append(" = ").append(ParamValues.quotedLiteral(e.getValue()));
        }
        if (settings.isEmpty()) {
            return insertSql;
        }
        if (insertSql.matches("(?is).*\\sSETTINGS\\s.*")) {
            throw new StoreException("Code: 62. DB::Exception: settings both in the INSERT and in the URL are not "
                    + "supported by the embedded HTTP interface. (SYNTAX_ERROR)", false);
        }
        return insertSql + settings;
    }

    private static void reply(HttpServerRequest req, Outcome outcome, String queryId) {
        if (req.response().ended() || req.response().closed()) {
            return;
        }
        String summary = "{\"read_rows\":\"0\",\"read_bytes\":\"0\",\"written_rows\":\"" + outcome.writtenRows()
                + "\",\"written_bytes\":\"0\",\"total_rows_to_read\":\"0\",\"result_rows\":\"0\",\"result_bytes\":\""
                + outcome.body().length + "\",\"elapsed_ns\":\"0\"}";
        var response = req.response()
                .putHeader("X-ClickHouse-Server-Display-Name", "leakwatch-embedded")
                .putHeader("X-ClickHouse-Query-Id", queryId)
                .putHeader("X-ClickHouse-Timezone", "UTC")
                .putHeader("X-ClickHouse-Summary", summary)
                .putHeader("Content-Type", outcome.format() != null && outcome.format().startsWith("JSON")
                        ? "application/json; charset=UTF-8" : "text/plain; charset=UTF-8");
        if (outcome.format() != null) {
            response.putHeader("X-ClickHouse-Format", outcome.format());
        }
        response.end(Buffer.buffer(outcome.body()));
    }

    private static void fail(HttpServerRequest req, int status, int code, String message) {
        if (req.response().ended() || req.response().closed()) {
            return;
        }
        String text = message.strip();
        req.response().setStatusCode(status)
                .putHeader("Content-Type", "text/plain; charset=UTF-8")
                .putHeader("X-ClickHouse-Server-Display-Name", "leakwatch-embedded")
                .putHeader("X-ClickHouse-Exception-Code", Integer.toString(code))
                .end(text + "\n");
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
