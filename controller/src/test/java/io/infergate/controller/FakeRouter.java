package io.infergate.controller;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.infergate.common.snapshot.SnapshotDecoder;
import jakarta.json.Json;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Plays a router's internal snapshot API on a real socket, as the router module specifies it:
 * {@code PUT /internal/v1/snapshot} (200 with the id, 400 with violations, 401 without the token)
 * and {@code GET} (200 with the id, 404 when it holds none). Records what it was sent.
 */
public final class FakeRouter implements AutoCloseable {

    private final String token;
    private final AtomicReference<String> held = new AtomicReference<>();
    private final AtomicInteger puts = new AtomicInteger();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private volatile WebServer server;
    private volatile int port;

    private FakeRouter(String token) {
        this.token = token;
    }

    /** Starts on a free loopback port. */
    public static FakeRouter start(String token) {
        FakeRouter r = new FakeRouter(token);
        r.listen(0);
        return r;
    }

    private void listen(int port) {
        HttpRouting.Builder routing = HttpRouting.builder()
                .put("/internal/v1/snapshot", (req, res) -> {
                    String auth = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
                    authorizations.add(auth);
                    if (!auth.equals("Bearer " + token)) {
                        res.status(Status.UNAUTHORIZED_401).send("{\"error\":{\"message\":\"unauthorized\"}}");
                        return;
                    }
                    puts.incrementAndGet();
                    switch (SnapshotDecoder.decode(req.content().as(String.class))) {
                        case SnapshotDecoder.Result.Ok ok -> {
                            boolean changed = !ok.id().equals(held.getAndSet(ok.id()));
                            res.send(Json.createObjectBuilder()
                                    .add("id", ok.id())
                                    .add("version", 1)
                                    .add("changed", changed)
                                    .build()
                                    .toString());
                        }
                        case SnapshotDecoder.Result.Invalid bad ->
                            res.status(Status.BAD_REQUEST_400)
                                    .send("{\"error\":{\"message\":\"invalid\"},\"violations\":[{\"path\":\""
                                            + bad.violations().getFirst().path() + "\",\"message\":\"bad\"}]}");
                    }
                })
                .get("/internal/v1/snapshot", (req, res) -> {
                    if (!req.headers()
                            .first(HeaderNames.AUTHORIZATION)
                            .orElse("")
                            .equals("Bearer " + token)) {
                        res.status(Status.UNAUTHORIZED_401).send();
                        return;
                    }
                    String id = held.get();
                    if (id == null) {
                        res.status(Status.NOT_FOUND_404).send("{\"error\":{\"message\":\"no snapshot\"}}");
                    } else {
                        res.send(Json.createObjectBuilder()
                                .add("id", id)
                                .add("version", 1)
                                .build()
                                .toString());
                    }
                });
        server = WebServer.builder()
                .host("127.0.0.1")
                .port(port)
                .featuresDiscoverServices(false)
                .shutdownHook(false)
                .routing(routing)
                .build()
                .start();
        this.port = server.port();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The snapshot id held, or null. */
    public String heldId() {
        return held.get();
    }

    /** Accepted PUTs so far. */
    public int puts() {
        return puts.get();
    }

    /** Every Authorization header a PUT carried. */
    public List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    /** Pretends another snapshot was swapped in behind the controller's back. */
    public void hold(String id) {
        held.set(id);
    }

    /** Stops listening and forgets its snapshot, like a crashed router; {@link #restart()} brings it back. */
    public void crash() {
        server.stop();
        held.set(null);
    }

    /** Listens again on the same port, holding nothing. */
    public void restart() {
        listen(port);
    }

    @Override
    public void close() {
        if (server.isRunning()) {
            server.stop();
        }
    }
}
