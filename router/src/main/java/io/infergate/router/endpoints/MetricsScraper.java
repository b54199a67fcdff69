package io.infergate.router.endpoints;

import io.infergate.common.snapshot.Endpoint;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Scrapes {@code GET /metrics} of every InferencePool endpoint, each on its own virtual thread
 * and schedule, and keeps the latest sample per {@code address:port}. Targets follow the
 * snapshot: {@link #follow} starts a scraper for each new endpoint and stops those of endpoints
 * that left (their samples are dropped). Scrapes are bounded: at most
 * {@link ScrapeSettings#maxConcurrent()} at once (a semaphore; the HTTP exchange is the only
 * thing done under it), each within {@link ScrapeSettings#timeout()}. A failing endpoint keeps its
 * last sample, which goes stale, and is retried after a back-off of up to one second so a pod
 * without {@code /metrics} costs one request per second. Each loop keeps one HTTP/1.1 connection
 * to its endpoint ({@link MetricsConnection}, blocking on the loop's virtual thread).
 */
public final class MetricsScraper implements EndpointMetrics, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MetricsScraper.class.getName());
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

    private final ScrapeSettings settings;
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("metrics-scraper-", 0).factory());
    private final Semaphore permits;
    private final Map<String, Loop> loops = new HashMap<>(); // guarded by this
    private final ConcurrentHashMap<String, Metrics> latest = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** @param settings interval, timeout, concurrency */
    public MetricsScraper(ScrapeSettings settings) {
        this.settings = settings;
        this.permits = new Semaphore(settings.maxConcurrent());
    }

    @Override
    public Optional<Metrics> latest(String hostPort) {
        return Optional.ofNullable(latest.get(hostPort));
    }

    /** The endpoints being scraped (tests, debugging). */
    public synchronized java.util.Set<String> targets() {
        return java.util.Set.copyOf(loops.keySet());
    }

    /**
     * Scrapes exactly these endpoints from now on (deduplicated by {@code address:port}; the
     * engine is read from each endpoint's labels).
     */
    public synchronized void follow(Collection<Endpoint> endpoints) {
        if (closed) {
            return;
        }
        Map<String, Endpoint> wanted = new HashMap<>();
        for (Endpoint e : endpoints) {
            wanted.putIfAbsent(e.hostPort(), e);
        }
        loops.entrySet().removeIf(entry -> {
            Loop loop = entry.getValue();
            Endpoint now = wanted.get(entry.getKey());
            if (now == null || Engine.of(now.labels()) != loop.engine) {
                loop.stopped = true;
                latest.remove(entry.getKey());
                return true;
            }
            return false;
        });
        for (Endpoint e : wanted.values()) {
            loops.computeIfAbsent(e.hostPort(), k -> {
                Loop loop = new Loop(k, e.address(), e.port(), Engine.of(e.labels()));
                threads.submit(loop::run);
                return loop;
            });
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            loops.values().forEach(l -> l.stopped = true);
            loops.clear();
        }
        threads.shutdownNow();
    }

    private final class Loop {
        final String hostPort;
        final Engine engine;
        final MetricsConnection connection;
        volatile boolean stopped;

        Loop(String hostPort, String address, int port, Engine engine) {
            this.hostPort = hostPort;
            this.engine = engine;
            this.connection = new MetricsConnection(address, port);
        }

        void run() {
            try {
                loop();
            } finally {
                connection.close();
            }
        }

        private void loop() {
            Duration wait = settings.interval();
            while (!stopped && !closed) {
                try {
                    Metrics m = scrape();
                    if (stopped) {
                        return;
                    }
                    latest.put(hostPort, m);
                    wait = settings.interval();
                } catch (InterruptedException e) {
                    return;
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.FINE, e, () -> "scrape of http://" + hostPort + "/metrics failed");
                    wait = wait.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait.multipliedBy(2);
                }
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        Metrics scrape() throws IOException, InterruptedException {
            String body;
            permits.acquire();
            try {
                MetricsConnection.Response res = connection.get(settings.timeout());
                if (res.status() != 200) {
                    throw new IOException("status " + res.status());
                }
                body = res.body();
            } finally {
                permits.release();
            }
            return MetricsParser.parse(engine, body, System.nanoTime());
        }
    }
}
