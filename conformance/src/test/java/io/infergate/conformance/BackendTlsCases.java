package io.infergate.conformance;

import java.util.List;

import static io.infergate.conformance.Expected.request;
import static io.infergate.conformance.UpstreamTest.upstream;

/**
 * The table, part six: BackendTLSPolicy (upstream {@code backendtlspolicy*.go}, the standard
 * channel's six tests of v1.6.3). The TLS backend is a simulator echo pod serving HTTPS with a
 * certificate the suite makes ({@link ConformanceEnv}); the router speaks TLS to it with the
 * policy's SNI and checks its certificate against the policy's CA ConfigMap and names.
 *
 * <p>Where upstream checks only that a request fails, these cases check the status the router
 * answers: 502 {@code upstream_tls_failed} from a certificate that does not verify or a policy
 * without a valid CA. Upstream also checks the SNI the backend saw; the echo pod does not report
 * it, router {@code SniTest} does.
 */
final class BackendTlsCases {

    private static final String GW = "same-namespace";
    private static final String HTTPS_GW = "same-namespace-with-https-listener";
    private static final String HOST = "abc.example.com";
    private static final String BACKEND = "tls-backend";

    private BackendTlsCases() {}

    static List<UpstreamTest> all() {
        return List.of(
                // A valid policy: the request is re-encrypted to the backend; a hostname or a CA the
                // certificate does not match fails; a CA ConfigMap that comes, empties and comes back
                // is followed.
                upstream("BackendTLSPolicy", "backendtlspolicy")
                        .accepted("backendtlspolicy", GW)
                        .accepted("backendtlspolicy-reencrypt", HTTPS_GW)
                        .check(
                                "Re-encrypt HTTPS request sent to Service with valid BackendTLSPolicy should succeed",
                                s -> {
                                    valid(s, "normative-test", HTTPS_GW);
                                    s.checkTls(
                                            HTTPS_GW,
                                            "https-listener.org",
                                            request("/backendtlspolicy")
                                                    .host("https-listener.org")
                                                    .backend(BACKEND));
                                })
                        .check("HTTP request sent to Service with valid BackendTLSPolicy should succeed", s -> {
                            valid(s, "normative-test", GW);
                            s.check(GW, request("/backendtlspolicy").host(HOST).backend(BACKEND));
                        })
                        .check(
                                "HTTP request sent to Service targeted by BackendTLSPolicy with mismatched hostname"
                                        + " should return an HTTP error",
                                s -> {
                                    valid(s, "host-mismatch", GW);
                                    // upstream's row: its Host matches no route of the Gateway
                                    s.check(
                                            GW,
                                            request("/backendtlspolicy-host-mismatch")
                                                    .host("abc.example.org")
                                                    .status(404));
                                    // stricter: the route's own Host reaches the backend, whose certificate
                                    // does not name mismatch.example.com
                                    s.check(
                                            GW,
                                            request("/backendtlspolicy-host-mismatch")
                                                    .host(HOST)
                                                    .status(502));
                                })
                        .check(
                                "HTTP request send to Service targeted by BackendTLSPolicy with mismatched cert should"
                                        + " return HTTP error",
                                s -> {
                                    valid(s, "cert-mismatch", GW);
                                    s.check(
                                            GW,
                                            request("/backendtlspolicy-cert-mismatch")
                                                    .host(HOST)
                                                    .status(502));
                                })
                        .check(
                                "Changing the content of a ConfigMap used by BackendTLSPolicy as CA certificate should be"
                                        + " reconciled by the controller",
                                s -> {
                                    valid(s, "reconcile-test", GW);
                                    String path = "/backendtlspolicy-reconcile-test";
                                    Served missing = s.env().apply("backendtlspolicy-reconcile-missing");
                                    noValidCa(missing, "reconcile-test", "InvalidCACertificateRef");
                                    missing.check(GW, request(path).host(HOST).status(502));
                                    Served present = s.env().apply("backendtlspolicy-reconcile-present");
                                    valid(present, "reconcile-test", GW);
                                    present.check(GW, request(path).host(HOST).backend(BACKEND));
                                    Served empty = s.env().apply("backendtlspolicy-reconcile-empty");
                                    noValidCa(empty, "reconcile-test", "InvalidCACertificateRef");
                                    empty.check(GW, request(path).host(HOST).status(502));
                                    Served back = s.env().apply("backendtlspolicy-reconcile-present");
                                    valid(back, "reconcile-test", GW);
                                    back.check(GW, request(path).host(HOST).backend(BACKEND));
                                }),

                // Two policies on one target: the older keeps it, the newer is Conflicted; a policy on
                // a port (sectionName) and one on the whole Service do not conflict.
                upstream("BackendTLSPolicyConflictResolution", "backendtlspolicy-conflict-resolution")
                        .accepted("backendtlspolicy-conflict-resolution", GW)
                        .check(
                                "Conflicting BackendTLSPolicies targeting the same Service without a section name",
                                s -> {
                                    s.policyCondition(
                                            "conflicted-without-section-name-1", GW, "Accepted", true, "Accepted");
                                    s.policyCondition(
                                            "conflicted-without-section-name-2", GW, "Accepted", false, "Conflicted");
                                    s.check(
                                            GW,
                                            request("/backendtlspolicy-conflicted-without-section-name")
                                                    .host(HOST)
                                                    .backend(BACKEND));
                                })
                        .check(
                                "Conflicting BackendTLSPolicies targeting the same Service with the same section name",
                                s -> {
                                    s.policyCondition(
                                            "conflicted-with-section-name-1", GW, "Accepted", true, "Accepted");
                                    s.policyCondition(
                                            "conflicted-with-section-name-2", GW, "Accepted", false, "Conflicted");
                                    s.check(
                                            GW,
                                            request("/backendtlspolicy-conflicted-with-section-name")
                                                    .host(HOST)
                                                    .backend(BACKEND));
                                })
                        .check("BackendTLSPolicies targeting the same Service with and without a section name", s -> {
                            s.policyCondition("not-conflicted-with-section-name", GW, "Accepted", true, "Accepted");
                            s.policyCondition("not-conflicted-without-section-name", GW, "Accepted", true, "Accepted");
                            s.check(
                                    GW,
                                    request("/backendtlspolicy-not-conflicted-with-section-name")
                                            .host(HOST)
                                            .backend(BACKEND));
                            s.check(
                                    GW,
                                    request("/backendtlspolicy-not-conflicted-without-section-name")
                                            .host(HOST)
                                            .backend(BACKEND));
                        }),

                // A CA reference that does not resolve (no ConfigMap; one without ca.crt): the policy
                // has no valid CA, and requests get a 5xx instead of plain text.
                invalidCa(
                        upstream(
                                        "BackendTLSPolicyInvalidCACertificateRef",
                                        "backendtlspolicy-invalid-ca-certificate-ref")
                                .accepted("backendtlspolicy-invalid-ca-certificate-ref", GW),
                        "nonexistent-ca-certificate-ref",
                        "malformed-ca-certificate-ref"),

                // A CA reference of another kind: InvalidKind, and a 5xx.
                upstream("BackendTLSPolicyInvalidKind", "backendtlspolicy-invalid-kind")
                        .accepted("backendtlspolicy-invalid-kind-test", GW)
                        .check(
                                "BackendTLSPolicy with a single invalid CACertificateRef has a Accepted Condition with"
                                        + " status False and Reason NoValidCACertificate",
                                s -> s.policyCondition("invalid-kind", GW, "Accepted", false, "NoValidCACertificate"))
                        .check(
                                "BackendTLSPolicy with a single invalid CACertificateRef has a ResolvedRefs Condition"
                                        + " with status False and Reason InvalidKind",
                                s -> s.policyCondition("invalid-kind", GW, "ResolvedRefs", false, "InvalidKind"))
                        .check(
                                "HTTP Request to backend targeted by an invalid BackendTLSPolicy receive a 5xx",
                                s -> s.check(
                                        GW,
                                        request("/backendtlspolicy-invalid-kind")
                                                .host(HOST)
                                                .status(502))),

                // A spec change is reflected in observedGeneration (the manifest says generation 2).
                upstream("BackendTLSPolicyObservedGenerationBump", "backendtlspolicy-observed-generation-bump")
                        .check("observedGeneration should increment", s -> {
                            s.policyGeneration("observed-generation-bump", GW, 1);
                            Served updated = s.env().apply("backendtlspolicy-observed-generation-bump-updated");
                            updated.policyCondition("observed-generation-bump", GW, "Accepted", true, null);
                            updated.policyGeneration("observed-generation-bump", GW, 2);
                        }),

                // subjectAltNames replace the hostname check: one matching DNS or URI name suffices.
                san(upstream("BackendTLSPolicySANValidation", "backendtlspolicy-san")
                        .accepted("backendtlspolicy-san-test", GW)));
    }

    private static void valid(Served s, String policy, String gateway) {
        s.policyCondition(policy, gateway, "Accepted", true, "Accepted");
        s.policyCondition(policy, gateway, "ResolvedRefs", true, "ResolvedRefs");
    }

    private static void noValidCa(Served s, String policy, String resolvedReason) {
        s.policyCondition(policy, GW, "Accepted", false, "NoValidCACertificate");
        s.policyCondition(policy, GW, "ResolvedRefs", false, resolvedReason);
    }

    private static UpstreamTest invalidCa(UpstreamTest test, String... policies) {
        for (String policy : policies) {
            test.check(
                            "BackendTLSPolicy_" + policy + " has a Accepted Condition with status False and Reason"
                                    + " NoValidCACertificate",
                            s -> s.policyCondition(policy, GW, "Accepted", false, "NoValidCACertificate"))
                    .check(
                            "BackendTLSPolicy_" + policy + " has a ResolvedRefs Condition with status False and Reason"
                                    + " InvalidCACertificateRef",
                            s -> s.policyCondition(policy, GW, "ResolvedRefs", false, "InvalidCACertificateRef"))
                    .check(
                            "BackendTLSPolicy_" + policy + " HTTP Request to backend targeted by an invalid"
                                    + " BackendTLSPolicy receive a 5xx",
                            s -> s.check(
                                    GW,
                                    request("/backendtlspolicy-" + policy)
                                            .host(HOST)
                                            .status(502)));
        }
        return test;
    }

    private static UpstreamTest san(UpstreamTest test) {
        String[][] rows = {
            {"san-dns", "200", "dns SAN"},
            {"san-dns-mismatch", "502", "mismatched dns SAN"},
            {"san-uri", "200", "uri SAN"},
            {"san-uri-mismatch", "502", "mismatched uri SAN"},
            {"multiple-sans", "200", "multi SAN"},
            {"multiple-mismatch-sans", "502", "mismatched multi SAN"},
        };
        for (String[] r : rows) {
            boolean ok = r[1].equals("200");
            test.check(
                    "HTTP request sent to Service " + (ok ? "with valid" : "targeted by") + " BackendTLSPolicy "
                            + (ok ? "containing " : "with ") + r[2]
                            + (ok ? " should succeed" : " should return an HTTP error"),
                    s -> {
                        s.policyCondition(r[0], GW, "Accepted", true, "Accepted");
                        Expected row = request("/backendtlspolicy-" + r[0]).host(HOST);
                        s.check(GW, ok ? row.backend(BACKEND) : row.status(502));
                    });
        }
        return test;
    }
}
