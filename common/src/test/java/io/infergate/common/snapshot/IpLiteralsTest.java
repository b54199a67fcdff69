package io.infergate.common.snapshot;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Endpoint addresses must be IP literals (issue 16: a host name was accepted and then scraped as if it were one). */
class IpLiteralsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "10.0.0.1, true",
        "127.0.1.3, true",
        "255.255.255.255, true",
        "::1, true",
        "fd00::a:1, true",
        "2001:db8::1, true",
        "::ffff:10.0.0.1, true",
        "256.0.0.1, false",
        "10.0.0, false",
        "10.0.0.1.5, false",
        "010.0.0.1, false", // leading zeros read as octal by some parsers
        "1e1.0.0.1, false",
        "localhost, false",
        "pod.example.com, false",
        "[::1], false", // brackets belong to host:port, not to the address
        "fe80::1%eth0, false", // zone ids are not routable from another pod
        "1::2::3, false",
        ".::1, false",
        "10.0.0.1:8000, false",
        "' 10.0.0.1', false",
    })
    void ipLiterals(String address, boolean ip) {
        assertEquals(ip, IpLiterals.isIp(address));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"localhost", "pod-0.svc.cluster.local", "10.0.0.1:80", "[::1]"})
    void aSnapshotWithAHostNameEndpointIsRejectedWithItsPath(String address) {
        Snapshot good = Samples.full();
        List<Backend> backends = new java.util.ArrayList<>(good.backends());
        Backend.Service bad = new Backend.Service(
                "service/default/named/80",
                "default",
                "named",
                80,
                Backend.AppProtocol.HTTP,
                List.of(new Endpoint(address, 8000, Optional.empty(), Map.of())));
        backends.add(bad);
        Snapshot s = new Snapshot(
                good.schemaVersion(), good.gateways(), good.routes(), backends, good.objectives(), good.routers());
        var violations = SnapshotValidator.validate(s);
        assertTrue(
                violations.stream()
                        .anyMatch(v -> v.path().equals("/backends/" + (backends.size() - 1) + "/endpoints/0/address")
                                && v.message().contains("IPv4 or IPv6")),
                violations.toString());
    }
}
