package io.infergate.conformance;

import java.util.List;

import static io.infergate.conformance.Expected.request;
import static io.infergate.conformance.UpstreamTest.upstream;

/**
 * The table, part five: HTTPS listeners (upstream {@code httproute-https-listener*.go},
 * {@code gateway-invalid-tls-configuration.go}, {@code gateway-secret-*reference-grant*.go}). The
 * certificate is made by the suite ({@link ConformanceEnv}); requests go over TLS with the SNI
 * server name and the Host set apart, as upstream's TLS round tripper does.
 */
final class TlsCases {

    private static final String HTTPS_GATEWAY = "same-namespace-with-https-listener";

    private TlsCases() {}

    /** One row of a TLS table: the SNI server name, the Host, and what must come back. */
    private record Row(String sni, String host, int status, String backend) {}

    static List<UpstreamTest> all() {
        return List.of(
                // Routes on HTTPS listeners match on the Host as usual; the certificate verifies.
                rows(
                        upstream("HTTPRouteHTTPSListener", "httproute-https-listener")
                                .accepted("httproute-https-test", HTTPS_GATEWAY)
                                .accepted("httproute-https-test-no-hostname", HTTPS_GATEWAY),
                        "/",
                        new Row("example.org", "example.org", 200, "infra-backend-v1"),
                        new Row("second-example.org", "second-example.org", 200, "infra-backend-v2")),

                // SNI picks a listener like a Host does; when the Host picks another one: 421.
                rows(
                        upstream(
                                        "HTTPRouteHTTPSListenerDetectMisdirectedRequests",
                                        "httproute-https-listener-detect-misdirected-requests")
                                .accepted("https-listener-detect-misdirected-requests-test-1", HTTPS_GATEWAY)
                                .accepted("https-listener-detect-misdirected-requests-test-2", HTTPS_GATEWAY)
                                .accepted("https-listener-detect-misdirected-requests-test-3", HTTPS_GATEWAY)
                                .accepted("https-listener-detect-misdirected-requests-test-4", HTTPS_GATEWAY),
                        "/detect-misdirected-requests",
                        new Row("example.org", "example.org", 200, "infra-backend-v1"),
                        new Row("example.org", "second-example.org", 421, null),
                        new Row("example.org", "unknown-example.org", 404, null),
                        new Row("second-example.org", "second-example.org", 200, "infra-backend-v2"),
                        new Row("second-example.org", "example.org", 421, null),
                        new Row("second-example.org", "unknown-example.org", 421, null),
                        new Row("third-example.wildcard.org", "third-example.wildcard.org", 200, "infra-backend-v3"),
                        new Row("third-example.wildcard.org", "fith-example.wildcard.org", 200, "infra-backend-v3"),
                        new Row("third-example.wildcard.org", "fourth-example.wildcard.org", 421, null),
                        new Row("third-example.wildcard.org", "second-example.org", 421, null),
                        new Row("third-example.wildcard.org", "unknown-example.org", 421, null),
                        new Row("fourth-example.wildcard.org", "fourth-example.wildcard.org", 200, "infra-backend-v1"),
                        new Row("fourth-example.wildcard.org", "fith-example.wildcard.org", 421, null),
                        new Row("unknown-example.org", "example.org", 200, "infra-backend-v1"),
                        new Row("unknown-example.org", "unknown-example.org", 404, null)),

                // A certificateRef that does not resolve: ResolvedRefs False/InvalidCertificateRef.
                upstream("GatewayInvalidTLSConfiguration", "gateway-invalid-tls-configuration")
                        .check(
                                "Nonexistent secret referenced as CertificateRef in a Gateway listener",
                                s -> s.listenerCondition(
                                        "gateway-certificate-nonexistent-secret",
                                        "https",
                                        "ResolvedRefs",
                                        false,
                                        "InvalidCertificateRef",
                                        0))
                        .check(
                                "Unsupported group resource referenced as CertificateRef in a Gateway listener",
                                s -> s.listenerCondition(
                                        "gateway-certificate-unsupported-group",
                                        "https",
                                        "ResolvedRefs",
                                        false,
                                        "InvalidCertificateRef",
                                        0))
                        .check(
                                "Unsupported kind resource referenced as CertificateRef in a Gateway listener",
                                s -> s.listenerCondition(
                                        "gateway-certificate-unsupported-kind",
                                        "https",
                                        "ResolvedRefs",
                                        false,
                                        "InvalidCertificateRef",
                                        0))
                        .check(
                                "Malformed secret referenced as CertificateRef in a Gateway listener",
                                s -> s.listenerCondition(
                                        "gateway-certificate-malformed-secret",
                                        "https",
                                        "ResolvedRefs",
                                        false,
                                        "InvalidCertificateRef",
                                        0)),

                // A Secret in another namespace without a ReferenceGrant: RefNotPermitted.
                upstream("GatewaySecretMissingReferenceGrant", "gateway-secret-missing-reference-grant")
                        .check(
                                "Gateway listener should have a false ResolvedRefs condition with reason RefNotPermitted",
                                s -> s.listenerCondition(
                                        "gateway-secret-missing-reference-grant",
                                        "https",
                                        "ResolvedRefs",
                                        false,
                                        "RefNotPermitted",
                                        0)),

                // ReferenceGrants that each get one thing wrong grant nothing: RefNotPermitted.
                upstream("GatewaySecretInvalidReferenceGrant", "gateway-secret-invalid-reference-grant")
                        .check(
                                "Gateway listener should have a false ResolvedRefs condition with reason RefNotPermitted",
                                s -> s.listenerCondition(
                                        "gateway-secret-invalid-reference-grant",
                                        "https",
                                        "ResolvedRefs",
                                        false,
                                        "RefNotPermitted",
                                        0)),

                // A grant of every Secret of the namespace, and one naming the Secret: resolved, programmed.
                granted("GatewaySecretReferenceGrantAllInNamespace", "gateway-secret-reference-grant-all-in-namespace"),
                granted("GatewaySecretReferenceGrantSpecific", "gateway-secret-reference-grant-specific"));
    }

    private static UpstreamTest granted(String name, String manifests) {
        return upstream(name, manifests)
                .check(
                        "Gateway listener should have a true ResolvedRefs condition and a true Programmed condition",
                        s -> {
                            s.listenerCondition(manifests, "https", "Programmed", true, "Programmed", 0);
                            s.listenerCondition(manifests, "https", "ResolvedRefs", true, null, 0);
                        });
    }

    private static UpstreamTest rows(UpstreamTest test, String path, Row... rows) {
        for (Row r : rows) {
            Expected row = request(path).host(r.host());
            row = r.backend() == null ? row.status(r.status()) : row.backend(r.backend());
            Expected expected = row;
            test.check(
                    "SNI " + r.sni() + ", Host " + r.host() + " -> " + r.status(),
                    s -> s.checkTls(HTTPS_GATEWAY, r.sni(), expected));
        }
        return test;
    }
}
