package io.infergate.common.snapshot;

import io.infergate.common.tls.Issuer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** Backend TLS in the snapshot: the codec round-trips it, and the validator names each bad field. */
class BackendTlsSnapshotTest {
    private static final String SERVICE = Backend.Service.idOf("default", "echo", 8080);
    private static final String POOL = Backend.InferencePool.idOf("default", "kthena-demo");
    private static final String CA =
            Issuer.ca("test CA", Issuer.KeyType.EC_P256, Duration.ofDays(1)).certificatePem();

    private static BackendTls tls(String backend, String hostname, List<String> cas, boolean system) {
        return new BackendTls(
                backend,
                BackendTls.idOf("default", "tls"),
                hostname,
                List.of(
                        new BackendTls.SubjectAltName(BackendTls.Type.HOSTNAME, "*.example.com"),
                        new BackendTls.SubjectAltName(BackendTls.Type.URI, "spiffe://example.com/sa/vllm")),
                cas,
                system);
    }

    private static Snapshot with(BackendTls... entries) {
        Snapshot s = Samples.full();
        return new Snapshot(
                s.schemaVersion(),
                s.gateways(),
                s.routes(),
                s.backends(),
                s.objectives(),
                s.routers(),
                s.certificates(),
                s.authPolicies(),
                s.rateLimitPolicies(),
                List.of(entries));
    }

    @Test
    void roundTripsAndIsValid() {
        Snapshot s =
                with(tls(SERVICE, "abc.example.com", List.of(CA), false), tls(POOL, "vllm.local", List.of(), true));
        var decoded = assertInstanceOf(SnapshotDecoder.Result.Ok.class, SnapshotDecoder.decode(SnapshotJson.toJson(s)));
        assertEquals(s, decoded.snapshot());
        assertEquals(List.of(), SnapshotValidator.validate(s));
    }

    @Test
    void absentWhenEmptySoOlderIdsStay() {
        assertFalse(SnapshotJson.toJson(Samples.full()).contains("backendTls"));
        assertEquals(SnapshotJson.contentId(Samples.full()), SnapshotJson.contentId(with()));
    }

    @Test
    void aPolicyThatTrustsNothingIsValid() {
        // every CA reference failed: shipped so that the router answers 5xx instead of plain HTTP
        BackendTls nothing = tls(SERVICE, "abc.example.com", List.of(), false);
        assertEquals(true, nothing.trustsNothing());
        assertEquals(List.of(), SnapshotValidator.validate(with(nothing)));
    }

    static Stream<Arguments> violations() {
        return Stream.of(
                Arguments.of(
                        "backend missing from the snapshot",
                        with(tls("service/default/nope/1", "abc.example.com", List.of(CA), false)),
                        "/backendTls/0/backend"),
                Arguments.of(
                        "two entries for one backend",
                        with(
                                tls(SERVICE, "abc.example.com", List.of(CA), false),
                                tls(SERVICE, "abc.example.com", List.of(CA), false)),
                        "/backendTls/1/backend"),
                Arguments.of(
                        "an IP address cannot be SNI",
                        with(tls(SERVICE, "10.0.0.1", List.of(CA), false)),
                        "/backendTls/0/hostname"),
                Arguments.of(
                        "a wildcard cannot be SNI",
                        with(tls(SERVICE, "*.example.com", List.of(CA), false)),
                        "/backendTls/0/hostname"),
                Arguments.of(
                        "CA bundle and system roots both",
                        with(tls(SERVICE, "abc.example.com", List.of(CA), true)),
                        "/backendTls/0/caCertificates"),
                Arguments.of(
                        "CA bundle that is not PEM",
                        with(tls(SERVICE, "abc.example.com", List.of("not a certificate"), false)),
                        "/backendTls/0/caCertificates/0"),
                Arguments.of(
                        "URI SAN without a scheme",
                        with(new BackendTls(
                                SERVICE,
                                "backendtlspolicy/default/x",
                                "abc.example.com",
                                List.of(new BackendTls.SubjectAltName(BackendTls.Type.URI, "no-scheme")),
                                List.of(CA),
                                false)),
                        "/backendTls/0/subjectAltNames/0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void violations(String why, Snapshot s, String path) {
        List<Violation> found = SnapshotValidator.validate(s);
        assertEquals(List.of(path), found.stream().map(Violation::path).toList(), why + ": " + found);
    }
}
