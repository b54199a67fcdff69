package io.infergate.router.proxy;

import io.infergate.common.snapshot.Filter;
import io.infergate.router.testing.Http;
import io.infergate.router.testing.RouterFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static io.infergate.router.testing.Snap.gateway;
import static io.infergate.router.testing.Snap.listener;
import static io.infergate.router.testing.Snap.parent;
import static io.infergate.router.testing.Snap.prefix;
import static io.infergate.router.testing.Snap.remapped;
import static io.infergate.router.testing.Snap.route;
import static io.infergate.router.testing.Snap.rule;
import static io.infergate.router.testing.Snap.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The port a RequestRedirect without {@code port} puts in the Location is the listener's port as
 * clients use it: a listener on a reserved router port (docs/adr/0006-gateway-isolation.md) carries
 * its public port in the snapshot, and the router's socket port must not leak into the Location.
 * Real sockets; the redirect rules follow the upstream conformance tests HTTPRouteRedirectPort and
 * HTTPRouteRedirectPortAndScheme (listener on 80 and on 8080).
 */
class RedirectPortTest {

    private static RouterFixture router;
    private static Http http;
    /** Router port of a Gateway listener that clients reach on 80. */
    private static int on80;
    /** Router port of a Gateway listener that clients reach on 8080. */
    private static int on8080;
    /** A listener whose clients use the socket port (no public port in the snapshot). */
    private static int plain;

    @BeforeAll
    static void start() {
        router = RouterFixture.start();
        http = router.http();
        on80 = Http.freePort();
        on8080 = Http.freePort();
        plain = Http.freePort();
        var snapshot = snapshot(
                List.of(gateway(
                        "gw",
                        remapped("http", on80, 80, null),
                        remapped("alt", on8080, 8080, null),
                        listener("plain", plain))),
                List.of(route("redirects")
                        .parents(parent("gw", "http"), parent("gw", "alt"), parent("gw", "plain"))
                        .rule(rule(prefix("/scheme-nil-and-port-nil")).filter(redirect(null, null)))
                        .rule(rule(prefix("/scheme-nil-and-port-8080")).filter(redirect(null, 8080)))
                        .rule(rule(prefix("/scheme-https-and-port-nil")).filter(redirect("https", null)))
                        .rule(rule(prefix("/scheme-http-and-port-nil")).filter(redirect("http", null)))
                        .build()),
                List.of());
        Http.Reply put = router.put(snapshot);
        assertEquals(200, put.status(), put.body());
    }

    @AfterAll
    static void stop() {
        router.close();
    }

    private static Filter.RequestRedirect redirect(String scheme, Integer port) {
        return new Filter.RequestRedirect(
                Optional.ofNullable(scheme),
                Optional.of("example.org"),
                Optional.ofNullable(port),
                Optional.empty(),
                302);
    }

    private static String location(int socket, String path) {
        Http.Reply r = http.get(socket, "gw.example.com", path);
        assertEquals(302, r.status(), r.body());
        return r.header("location");
    }

    @Test
    void withoutPortOrSchemeTheListenersPublicPortIsUsed() {
        assertEquals(
                "http://example.org/scheme-nil-and-port-nil",
                location(on80, "/scheme-nil-and-port-nil"),
                "public port 80 with http is left out, and router port " + on80 + " must not show");
        assertEquals("http://example.org:8080/scheme-nil-and-port-nil", location(on8080, "/scheme-nil-and-port-nil"));
    }

    @Test
    void withoutPublicPortTheSocketPortIsUsed() {
        assertEquals(
                "http://example.org:" + plain + "/scheme-nil-and-port-nil",
                location(plain, "/scheme-nil-and-port-nil"));
    }

    @Test
    void anExplicitPortOrSchemeWinsOverThePublicPort() {
        assertEquals("http://example.org:8080/scheme-nil-and-port-8080", location(on80, "/scheme-nil-and-port-8080"));
        assertEquals("https://example.org/scheme-https-and-port-nil", location(on8080, "/scheme-https-and-port-nil"));
        assertEquals("http://example.org/scheme-http-and-port-nil", location(on8080, "/scheme-http-and-port-nil"));
        assertEquals("https://example.org/scheme-https-and-port-nil", location(plain, "/scheme-https-and-port-nil"));
    }
}
