package io.infergate.router.scrape;

import java.util.Optional;

/** The narrow lookup schedulers use: the latest scrape of an endpoint ({@code address:port}). */
@FunctionalInterface
public interface EndpointMetrics {

    /** Empty when the endpoint was never scraped successfully. */
    Optional<Metrics> latest(String hostPort);

    /** No metrics for anyone (Service backends, tests). */
    static EndpointMetrics none() {
        return k -> Optional.empty();
    }
}
