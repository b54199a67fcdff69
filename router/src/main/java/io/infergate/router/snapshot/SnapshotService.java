package io.infergate.router.snapshot;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.infergate.common.http.ClientBody;
import io.infergate.common.snapshot.Violation;
import io.infergate.router.inference.ErrorBody;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.spi.JsonProvider;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The snapshot API on the internal socket.
 * <ul>
 *   <li>{@code PUT /internal/v1/snapshot}, body = the snapshot wire form (SnapshotJson): 200
 *       {@code {"id","version","changed"}}; 400 {@code {"error":{…,"code":"invalid_snapshot"},
 *       "violations":[{"path","message"}]}} and the current snapshot keeps serving; 413 beyond the
 *       size bound.</li>
 *   <li>{@code GET /internal/v1/snapshot}: 200 {@code {"id","version"}}, or 404 (code
 *       {@code no_snapshot}) before the first apply.</li>
 * </ul>
 * Both require {@code Authorization: Bearer <token>}; anything else gets 401 before the body is
 * read.
 */
public final class SnapshotService implements HttpService {
    /** The JSON-P provider, looked up once: each {@code Json.createX} call repeats a ServiceLoader scan. */
    private static final JsonProvider JSON = JsonProvider.provider();

    /** The resource path. */
    public static final String PATH = "/internal/v1/snapshot";

    private final SnapshotStore store;
    private final Serving serving;
    private final Credentials token;
    private final long maxBytes;

    /**
     * @param store    applies snapshots
     * @param serving  the snapshot being served
     * @param token    the required bearer token
     * @param maxBytes the largest accepted body
     */
    public SnapshotService(SnapshotStore store, Serving serving, Credentials token, long maxBytes) {
        this.store = store;
        this.serving = serving;
        this.token = token;
        this.maxBytes = maxBytes;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.put(PATH, this::put).get(PATH, this::get);
    }

    private void put(ServerRequest req, ServerResponse res) throws IOException {
        if (!authorized(req, res)) {
            return;
        }
        byte[] body;
        try (InputStream in = ClientBody.of(req)) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        } catch (ClientBody.Malformed e) {
            // broken chunked framing or over the bound: answered here (Helidon would try to skip the
            // rest of a broken body); the ConnectionGuard closes the connection after it
            boolean tooLarge = e.status() == 413;
            send(
                    res,
                    ErrorBody.of(
                                    tooLarge ? 413 : 400,
                                    tooLarge ? ErrorBody.REQUEST_TOO_LARGE : ErrorBody.INVALID_REQUEST,
                                    tooLarge
                                            ? "snapshot exceeds " + maxBytes + " bytes"
                                            : "malformed request body: invalid chunked framing")
                            .toJson(),
                    tooLarge ? 413 : 400);
            return;
        }
        if (body.length > maxBytes) {
            send(
                    res,
                    ErrorBody.of(413, ErrorBody.REQUEST_TOO_LARGE, "snapshot exceeds " + maxBytes + " bytes")
                            .toJson(),
                    413);
            return;
        }
        switch (store.apply(new String(body, StandardCharsets.UTF_8))) {
            case SnapshotStore.Outcome.Applied a ->
                send(
                        res,
                        JSON.createObjectBuilder()
                                .add("id", a.id())
                                .add("version", a.schemaVersion())
                                .add("changed", a.changed())
                                .build()
                                .toString(),
                        200);
            case SnapshotStore.Outcome.Rejected r -> {
                JsonArrayBuilder violations = JSON.createArrayBuilder();
                for (Violation v : r.violations()) {
                    violations.add(
                            JSON.createObjectBuilder().add("path", v.path()).add("message", v.message()));
                }
                ErrorBody error = ErrorBody.of(
                        400,
                        "invalid_snapshot",
                        "snapshot rejected: " + r.violations().size() + " violations");
                send(
                        res,
                        error.toJsonBuilder()
                                .add("violations", violations)
                                .build()
                                .toString(),
                        400);
            }
        }
    }

    private void get(ServerRequest req, ServerResponse res) {
        if (!authorized(req, res)) {
            return;
        }
        serving.current()
                .ifPresentOrElse(
                        s -> send(
                                res,
                                JSON.createObjectBuilder()
                                        .add("id", s.id())
                                        .add("version", s.snapshot().schemaVersion())
                                        .build()
                                        .toString(),
                                200),
                        () -> send(
                                res,
                                ErrorBody.of(404, "no_snapshot", "no snapshot has been applied yet")
                                        .toJson(),
                                404));
    }

    private boolean authorized(ServerRequest req, ServerResponse res) {
        if (token.accepts(req.headers().first(HeaderNames.AUTHORIZATION).orElse(null))) {
            return true;
        }
        res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
        send(
                res,
                ErrorBody.of(401, ErrorBody.UNAUTHORIZED, "a valid bearer token is required")
                        .toJson(),
                401);
        return false;
    }

    private static void send(ServerResponse res, String json, int status) {
        res.status(Status.create(status)).header(HeaderValues.CONTENT_TYPE_JSON).send(json);
    }
}
