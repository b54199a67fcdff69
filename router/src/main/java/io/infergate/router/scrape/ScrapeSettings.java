package io.infergate.router.scrape;

import io.infergate.router.settings.Section;

import java.time.Duration;
import java.util.Objects;

/**
 * How endpoints are scraped.
 *
 * @param interval      time between the starts of two scrapes of one endpoint (EPP: 50 ms)
 * @param timeout       bound of one scrape (connect + read)
 * @param staleAfter    a sample older than this is stale: the endpoint is avoided and counts as saturated
 * @param maxConcurrent scrapes in flight at once, over all endpoints
 */
public record ScrapeSettings(Duration interval, Duration timeout, Duration staleAfter, int maxConcurrent) {
    public ScrapeSettings {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(staleAfter, "staleAfter");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("scrape interval must be positive");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("scrape timeout must be positive");
        }
        if (staleAfter.compareTo(interval) <= 0) {
            throw new IllegalArgumentException(
                    "stale-after (" + staleAfter + ") must exceed the scrape interval (" + interval + ")");
        }
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("max concurrent scrapes must be at least 1");
        }
    }

    /**
     * 50 ms interval, 1 s timeout, stale after 200 ms, 64 scrapes at once (one selector thread
     * drives them; the bound keeps a round of a large pool from flooding it in one burst).
     */
    public static ScrapeSettings defaults() {
        return new ScrapeSettings(Duration.ofMillis(50), Duration.ofSeconds(1), Duration.ofMillis(200), 64);
    }

    /** Reads {@code router.endpoints}; absent keys keep {@link #defaults()}. */
    public static ScrapeSettings create(Section s) {
        ScrapeSettings d = defaults();
        return new ScrapeSettings(
                s.duration("scrape-interval", d.interval()),
                s.duration("scrape-timeout", d.timeout()),
                s.duration("stale-after", d.staleAfter()),
                s.integer("max-concurrent-scrapes", d.maxConcurrent()));
    }
}
