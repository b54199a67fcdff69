package io.infergate.router.provider;

import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.BackendTls;
import io.infergate.common.snapshot.Snapshot;

import java.util.ArrayList;
import java.util.List;

/**
 * The TLS of every external provider, expressed as the backend TLS entries the router already
 * compiles ({@link io.infergate.router.backendtls.UpstreamTls}): SNI and the verified name are the
 * base URL's host, the trust is the provider's CA bundles or, without any, the JDK's roots. TLS is
 * never optional for a provider, so a snapshot's BackendTLSPolicy naming one is replaced here.
 */
public final class ProviderTls {

    private ProviderTls() {}

    /** The snapshot's backend TLS entries with one entry per external provider in place of any other for it. */
    public static List<BackendTls> entries(Snapshot snapshot) {
        List<BackendTls> out = new ArrayList<>();
        List<String> providers = new ArrayList<>();
        for (Backend b : snapshot.backends()) {
            if (b instanceof Backend.External x) {
                providers.add(x.id());
                out.add(of(x));
            }
        }
        for (BackendTls t : snapshot.backendTls()) {
            if (!providers.contains(t.backend())) {
                out.add(t);
            }
        }
        return out;
    }

    /** The TLS entry of one provider. */
    static BackendTls of(Backend.External x) {
        return new BackendTls(
                x.id(),
                x.id(),
                x.host(),
                List.of(),
                x.caCertificates(),
                x.caCertificates().isEmpty());
    }
}
