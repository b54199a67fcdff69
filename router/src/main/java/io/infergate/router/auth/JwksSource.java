package io.infergate.router.auth;

import io.infergate.router.settings.Section;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The cached key set of one JWKS URL.
 *
 * <p>Rules: the first request that needs keys fetches them (one fetch at a time; the others wait
 * for it); a set older than {@link Settings#refreshInterval} is refetched by the next request that
 * gets the lock while the others keep using the old one; a token with an unknown {@code kid}
 * triggers a refetch (key rotation), but at most one fetch per {@link Settings#minRefetchInterval}
 * whatever its outcome, so a flood of tokens with made-up kids cannot turn the gateway into a
 * load generator against the issuer; a failed fetch keeps the last good set (logged with the URL
 * and the reason, never a token).
 */
public final class JwksSource {
    private static final Logger LOG = Logger.getLogger(JwksSource.class.getName());

    /** Reads a JWKS document; {@link HttpFetcher} in production. */
    @FunctionalInterface
    public interface Fetcher {
        /** The document's text; throws on any transport error or non-200 status. */
        String fetch(URI uri) throws IOException;
    }

    /**
     * How the cache refreshes.
     *
     * @param refreshInterval    how old a good set may get before it is refetched
     * @param minRefetchInterval the least time between two fetches caused by unknown kids or
     *                           failures
     * @param fetchTimeout       bounds the connection and, separately, the whole fetch
     */
    public record Settings(Duration refreshInterval, Duration minRefetchInterval, Duration fetchTimeout) {
        /** Five minutes between refreshes, ten seconds between refetches, five seconds per fetch. */
        public static final Settings DEFAULT =
                new Settings(Duration.ofMinutes(5), Duration.ofSeconds(10), Duration.ofSeconds(5));

        /**
         * Reads {@code router.auth}: {@code jwks-refresh-interval} (PT5M), {@code jwks-min-refetch-interval}
         * (PT10S) and {@code jwks-fetch-timeout} (PT5S).
         */
        public static Settings create(Section s) {
            return new Settings(
                    s.duration("jwks-refresh-interval", DEFAULT.refreshInterval()),
                    s.duration("jwks-min-refetch-interval", DEFAULT.minRefetchInterval()),
                    s.duration("jwks-fetch-timeout", DEFAULT.fetchTimeout()));
        }

        public Settings {
            if (refreshInterval.isNegative() || minRefetchInterval.isNegative() || !fetchTimeout.isPositive()) {
                throw new IllegalArgumentException(
                        "JWKS intervals must not be negative and the fetch timeout positive");
            }
        }
    }

    private final URI uri;
    private final Fetcher fetcher;
    private final Settings settings;
    private final LongSupplier nanoTime;
    private final ReentrantLock lock = new ReentrantLock();

    private volatile KeySet keys = KeySet.empty();
    private volatile boolean everFetched;
    private volatile long goodAt;
    private volatile long attemptAt;
    private final AtomicLong fetches = new AtomicLong();

    /**
     * A cache that fetches nothing until the first request needs keys.
     *
     * @param nanoTime a monotonic clock ({@code System::nanoTime}; a settable one in tests)
     */
    public JwksSource(URI uri, Fetcher fetcher, Settings settings, LongSupplier nanoTime) {
        this.uri = uri;
        this.fetcher = fetcher;
        this.settings = settings;
        this.nanoTime = nanoTime;
    }

    /** The keys to verify with now: fetched on first use, refreshed when stale. */
    public KeySet keys() {
        if (!everFetched) {
            lock.lock(); // the first requests all wait for the one fetch: there is nothing to serve them with yet
            try {
                if (!everFetched && mayRetry()) {
                    fetch();
                }
            } finally {
                lock.unlock();
            }
        } else if (nanoTime.getAsLong() - goodAt > settings.refreshInterval().toNanos()
                && mayRetry()
                && lock.tryLock()) { // one request refreshes; the others go on with the current set
            try {
                fetch();
            } finally {
                lock.unlock();
            }
        }
        return keys;
    }

    /**
     * A token named {@code kid}, which the current set lacks: refetch unless a fetch happened
     * within {@link Settings#minRefetchInterval}. Returns the set to retry with.
     */
    public KeySet refetchFor(String kid) {
        lock.lock();
        try {
            if (!keys.hasKid(kid) && mayRetry()) {
                fetch();
            }
        } finally {
            lock.unlock();
        }
        return keys;
    }

    /** How many fetches were attempted (tests and the admin view). */
    public long fetches() {
        return fetches.get();
    }

    private boolean mayRetry() {
        return fetches.get() == 0
                || nanoTime.getAsLong() - attemptAt
                        >= settings.minRefetchInterval().toNanos();
    }

    private void fetch() {
        attemptAt = nanoTime.getAsLong();
        fetches.incrementAndGet();
        try {
            KeySet fresh = KeySet.parse(fetcher.fetch(uri));
            keys = fresh;
            goodAt = attemptAt;
            everFetched = true;
        } catch (IOException | KeySet.Invalid | RuntimeException e) {
            LOG.log(
                    Level.WARNING,
                    () -> "JWKS fetch from " + uri + " failed (keeping "
                            + keys.keys().size() + " keys): " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "JwksSource[" + uri + ", " + keys.keys().size() + " keys]";
    }
}
