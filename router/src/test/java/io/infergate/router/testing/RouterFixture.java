package io.infergate.router.testing;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.infergate.common.snapshot.Snapshot;
import io.infergate.common.snapshot.SnapshotJson;
import io.infergate.router.RouterApp;
import io.infergate.router.RouterConfig;

/** A router started in-process on an ephemeral internal port, with helpers for its internal API. */
public final class RouterFixture implements AutoCloseable {

    public static final String TOKEN = "s3cret-test-token";

    private final RouterApp app;
    private final Http http = new Http();

    private RouterFixture(RouterConfig config) {
        this.app = RouterApp.start(config, new java.util.Random(42));
    }

    public static RouterFixture start() {
        return new RouterFixture(RouterConfig.defaults("127.0.0.1", 0, TOKEN));
    }

    public static RouterFixture start(RouterConfig config) {
        return new RouterFixture(config);
    }

    public RouterApp app() {
        return app;
    }

    public Http http() {
        return http;
    }

    public int internalPort() {
        return app.internalPort();
    }

    /** PUT the snapshot with the right token. */
    public Http.Reply put(Snapshot snapshot) {
        return putJson(SnapshotJson.toJson(snapshot), TOKEN);
    }

    /** PUT raw JSON with a given token (null: no Authorization header). */
    public Http.Reply putJson(String json, String token) {
        return http.send(Method.PUT, internalPort(), null, "/internal/v1/snapshot", json, r -> {
            r.header(HeaderNames.CONTENT_TYPE, "application/json");
            if (token != null) {
                r.header(HeaderNames.AUTHORIZATION, "Bearer " + token);
            }
        });
    }

    /** GET the current snapshot id with a given token (null: none). */
    public Http.Reply getSnapshot(String token) {
        return http.send(Method.GET, internalPort(), null, "/internal/v1/snapshot", null, r -> {
            if (token != null) {
                r.header(HeaderNames.AUTHORIZATION, "Bearer " + token);
            }
        });
    }

    /** GET an observe path on the internal socket. */
    public Http.Reply observe(String path) {
        return http.get(internalPort(), null, path);
    }

    @Override
    public void close() {
        try {
            app.close();
        } finally {
            http.close();
        }
    }
}
