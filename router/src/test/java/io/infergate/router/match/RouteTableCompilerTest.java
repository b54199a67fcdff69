package io.infergate.router.match;

import io.infergate.common.snapshot.Listener;
import io.infergate.common.snapshot.Violation;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static io.infergate.router.match.MatchAssertions.compile;
import static io.infergate.router.match.MatchAssertions.expect;
import static io.infergate.router.testing.Snap.gateway;
import static io.infergate.router.testing.Snap.listener;
import static io.infergate.router.testing.Snap.parent;
import static io.infergate.router.testing.Snap.prefix;
import static io.infergate.router.testing.Snap.route;
import static io.infergate.router.testing.Snap.rule;
import static io.infergate.router.testing.Snap.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class RouteTableCompilerTest {

    @Test
    void gatewaysWithAddressesGetTheirOwnSockets() {
        RouteTable t = compile(snapshot(
                List.of(
                        gateway("a", List.of("127.0.0.2"), listener("http", 8080)),
                        gateway("b", listener("http", 8080))),
                List.of(
                        route("ra")
                                .parents(parent("a", "http"))
                                .rule(rule(prefix("/")))
                                .build(),
                        route("rb")
                                .parents(parent("b", "http"))
                                .rule(rule(prefix("/")))
                                .build()),
                List.of()));
        SocketKey a = new SocketKey("127.0.0.2", 8080);
        SocketKey b = new SocketKey("127.0.0.1", 8080);
        assertEquals(Set.of(a, b), t.socketKeys());
        expect(t, Req.get("x", "/").on(a), "ra/0");
        expect(t, Req.get("x", "/").on(b), "rb/0");
    }

    @Test
    void sameHostnameOnOneSocketIsRejected() {
        var result = RouteTableCompiler.compile(
                snapshot(
                        List.of(
                                gateway("a", listener("http", 8080, "x.example.com")),
                                gateway("b", listener("web", 8080, "X.example.com"))),
                        List.of(),
                        List.of()),
                "127.0.0.1");
        var rejected = assertInstanceOf(RouteTableCompiler.Result.Rejected.class, result);
        assertEquals(
                List.of("/gateways/1/listeners/0/hostname"),
                rejected.violations().stream().map(Violation::path).toList());
    }

    @Test
    void httpAndHttpsOnOnePortAndBadTimestampsAreRejected() {
        var result = RouteTableCompiler.compile(
                snapshot(
                        List.of(gateway(
                                "a",
                                listener("http", 8080),
                                new Listener("tls", 8080, Listener.Protocol.HTTPS, Optional.of("tls.example.com")),
                                new Listener("tls2", 8443, Listener.Protocol.HTTPS, Optional.empty()))),
                        List.of(route("r")
                                .parents(parent("a", "http"))
                                .created("yesterday")
                                .rule(rule())
                                .build()),
                        List.of()),
                "127.0.0.1");
        var rejected = assertInstanceOf(RouteTableCompiler.Result.Rejected.class, result);
        assertEquals(
                List.of("/gateways/0/listeners/1/protocol", "/routes/0/creationTimestamp"),
                rejected.violations().stream().map(Violation::path).toList());
    }
}
