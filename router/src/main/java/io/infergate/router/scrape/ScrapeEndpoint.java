package io.infergate.router.scrape;

import io.infergate.common.snapshot.Endpoint;
import io.infergate.router.backendtls.UpstreamTls;

import java.util.Optional;

/**
 * An endpoint to scrape and how: plain HTTP, or TLS with its pool's BackendTLSPolicy (the same
 * trust, SNI and name checks as the requests proxied to it; docs/adr/0041-tls-only-model-servers.md).
 *
 * @param endpoint the pool endpoint
 * @param tls      the pool's client TLS when a BackendTLSPolicy targets the pool, else empty
 */
public record ScrapeEndpoint(Endpoint endpoint, Optional<UpstreamTls> tls) {
    public ScrapeEndpoint {
        tls = tls == null ? Optional.empty() : tls;
    }

    /** An endpoint scraped in plain HTTP. */
    public static ScrapeEndpoint plain(Endpoint endpoint) {
        return new ScrapeEndpoint(endpoint, Optional.empty());
    }
}
