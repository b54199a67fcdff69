package io.infergate.router.backendtls;

import io.helidon.common.tls.Tls;
import io.infergate.common.snapshot.BackendTls;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import java.security.GeneralSecurityException;
import java.util.List;

/**
 * The client TLS of one backend: its policy and the Helidon TLS configuration built from it (an
 * SSL context with the policy's {@link BackendTrustManager}, SNI set to the policy's hostname).
 *
 * <p>Rules: Helidon's connection cache keys connections by the SSL context's identity, so one
 * instance per distinct policy content ({@link UpstreamTlsCache}) lets connections be reused
 * across snapshots, and a changed policy never reuses a connection verified under the old one.
 * A policy that {@link BackendTls#trustsNothing() trusts nothing} gets no context at all.
 *
 * @param policy the snapshot's entry
 * @param tls    the client TLS configuration; {@code null} when the policy trusts nothing
 */
public record UpstreamTls(BackendTls policy, Tls tls) {

    /** Builds the TLS configuration of {@code policy}. */
    public static UpstreamTls of(BackendTls policy) {
        if (policy.trustsNothing()) {
            return new UpstreamTls(policy, null);
        }
        SSLContext context;
        try {
            context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {BackendTrustManager.of(policy)}, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no TLS context", e);
        }
        SSLParameters parameters = new SSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(policy.hostname())));
        Tls tls = Tls.builder()
                .sslContext(context)
                .sslParameters(parameters)
                .endpointIdentificationAlgorithm(Tls.ENDPOINT_IDENTIFICATION_NONE) // BackendTrustManager checks
                .build();
        return new UpstreamTls(policy, tls);
    }

    /** Why no connection may be made, when the policy trusts no CA (all its references were invalid). */
    public String refusal() {
        return policy.policy() + " has no valid CA certificate: connections to " + policy.backend() + " are refused";
    }
}
