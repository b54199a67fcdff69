package io.infergate.router.proxy;

import io.helidon.webserver.WebServer;
import io.infergate.common.snapshot.Backend;
import io.infergate.router.testing.Http;
import io.infergate.router.testing.RouterFixture;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.infergate.router.testing.Snap.endpoint;
import static io.infergate.router.testing.Snap.gateway;
import static io.infergate.router.testing.Snap.listener;
import static io.infergate.router.testing.Snap.prefix;
import static io.infergate.router.testing.Snap.route;
import static io.infergate.router.testing.Snap.rule;
import static io.infergate.router.testing.Snap.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A {@code kubernetes.io/h2c} backend is spoken to over HTTP/2 with prior knowledge. */
class H2cTest {

    @Test
    void h2cBackendsGetHttp2() {
        WebServer upstream = WebServer.builder()
                .host("127.0.0.1")
                .port(0)
                .shutdownHook(false)
                .routing(r -> r.any((req, res) -> res.header(
                                "x-upstream-path", req.prologue().uriPath().rawPath())
                        .send(req.prologue().protocol() + "/" + req.prologue().protocolVersion())))
                .build()
                .start();
        try (RouterFixture router = RouterFixture.start()) {
            int port = Http.freePort();
            Backend h2 = new Backend.Service(
                    "service/default/h2/80",
                    "default",
                    "h2",
                    80,
                    Backend.AppProtocol.H2C,
                    List.of(endpoint("127.0.0.1", upstream.port(), null)));
            assertEquals(
                    200,
                    router.put(snapshot(
                                    List.of(gateway("gw", listener("http", port))),
                                    List.of(route("r")
                                            .rule(rule(prefix("/")).backend(h2.id()))
                                            .build()),
                                    List.of(h2)))
                            .status());
            Http.Reply r = router.http().get(port, "a.test", "/over/h2?x=1");
            assertEquals(200, r.status(), r.body());
            assertEquals("HTTP/2.0", r.body());
            assertEquals("/over/h2", r.header("x-upstream-path"));
        } finally {
            upstream.stop();
        }
    }
}
