package io.infergate.router.scrape;

import io.infergate.common.snapshot.Endpoint;
import io.infergate.router.backendtls.UpstreamTls;

import javax.net.ssl.SSLEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Scrapes {@code GET /metrics} of every InferencePool endpoint and keeps the latest sample per
 * {@code address:port}. Targets follow the snapshot: {@link #follow} adds new endpoints and drops
 * those that left (with their samples).
 *
 * <p>One thread, one selector, one kept-alive HTTP/1.1 connection per endpoint. Why not a
 * blocking client per endpoint: a scrape is a ~100-byte request and a few-KB reply every 50 ms
 * per endpoint, and blocking each on its own (virtual) thread cost ~140 µs of CPU per scrape,
 * 28 % of a core for 100 endpoints, mostly parking, unparking and poller registration around
 * every read (bench/scrape-cost.sh, docs/benchmarks.md). Here a scrape is one write, one or two
 * reads and a share of one {@code epoll_wait}, and the bytes are parsed where they landed.
 *
 * <p>Schedule: an endpoint's scrapes start every {@link ScrapeSettings#interval()} (fixed rate; a
 * scrape that overran makes the next due at once); a scrape due within an eighth of the interval
 * starts with the ones due now, so endpoints scraped together stay together and share wake-ups,
 * and while replies are outstanding they are read in batches at most 2 ms apart. At most
 * {@link ScrapeSettings#maxConcurrent()} scrapes are in flight; each must finish within
 * {@link ScrapeSettings#timeout()} (connect included). A failing endpoint keeps its last sample,
 * which goes stale, and is retried after a back-off doubling up to one second, so a pod without
 * {@code /metrics} costs one request per second. Any error or anything unexpected on a connection
 * closes it; a kept-alive connection the server closed before replying is retried once at once.
 *
 * <p>Endpoints of a pool a BackendTLSPolicy targets are scraped over TLS on the same loop (a
 * {@link TlsSession} per connection), verified like the requests proxied to them: the policy's
 * CAs, its hostname as SNI, its names checked; a handshake that fails is a failed scrape. A pool
 * whose policy trusts nothing is not scraped at all (never in plain text).
 */
public final class MetricsScraper implements EndpointMetrics, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MetricsScraper.class.getName());
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);
    /** How long replies may wait in their sockets to be read together (at most 1/25 of the interval). */
    private static final Duration MAX_GATHER = Duration.ofMillis(2);

    private final ScrapeSettings settings;
    private final long intervalNanos;
    private final long slackNanos;
    private final long timeoutNanos;
    private final long gatherNanos;
    private final Selector selector;
    private final Thread thread;
    private final Map<String, ScrapeTarget> targets = new HashMap<>(); // guarded by this
    private final ConcurrentHashMap<String, Metrics> latest = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<ScrapeTarget> added = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<ScrapeTarget> dropped = new ConcurrentLinkedQueue<>();
    private final LongAdder succeeded = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private volatile boolean closed;

    // Owned by the loop thread.
    private final PriorityQueue<ScrapeTarget> waiting = new PriorityQueue<>(Comparator.comparingLong(t -> t.due));
    private final List<ScrapeTarget> inFlight = new ArrayList<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 << 10);

    /** @param settings interval, timeout, concurrency */
    public MetricsScraper(ScrapeSettings settings) {
        this.settings = settings;
        this.intervalNanos = settings.interval().toNanos();
        this.slackNanos = intervalNanos / 8;
        this.timeoutNanos = settings.timeout().toNanos();
        this.gatherNanos = Math.min(MAX_GATHER.toNanos(), intervalNanos / 25);
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector for metrics scraping", e);
        }
        this.thread = Thread.ofPlatform().name("metrics-scraper").daemon().unstarted(this::run);
        thread.start();
    }

    @Override
    public Optional<Metrics> latest(String hostPort) {
        return Optional.ofNullable(latest.get(hostPort));
    }

    /** Scrapes that ended with a sample, since start. */
    public long succeeded() {
        return succeeded.sum();
    }

    /** Scrapes that failed (refused, timed out, not 200, not HTTP), since start. */
    public long failed() {
        return failed.sum();
    }

    /** The endpoints being scraped (tests, debugging). */
    public synchronized Set<String> targets() {
        return Set.copyOf(targets.keySet());
    }

    /** Scrapes exactly these endpoints from now on, all in plain HTTP (see {@link #track}). */
    public void follow(Collection<Endpoint> endpoints) {
        track(endpoints.stream().map(ScrapeEndpoint::plain).toList());
    }

    /**
     * Scrapes exactly these endpoints from now on (deduplicated by {@code address:port}, the
     * first one given wins; the engine is read from each endpoint's labels, and an endpoint whose
     * engine or TLS changed starts over on a new connection).
     */
    public synchronized void track(Collection<ScrapeEndpoint> endpoints) {
        if (closed) {
            return;
        }
        Map<String, ScrapeEndpoint> wanted = new HashMap<>();
        for (ScrapeEndpoint e : endpoints) {
            if (e.tls().isPresent() && e.tls().get().tls() == null) {
                continue; // its policy trusts nothing: no connection at all, as for requests
            }
            wanted.putIfAbsent(e.endpoint().hostPort(), e);
        }
        boolean changed = false;
        var it = targets.entrySet().iterator();
        while (it.hasNext()) {
            var entry = it.next();
            ScrapeTarget t = entry.getValue();
            ScrapeEndpoint now = wanted.get(entry.getKey());
            if (now == null
                    || EngineType.of(now.endpoint().labels()) != t.engine
                    || !sameTls(now.tls().orElse(null), t.tls)) {
                t.removed = true;
                dropped.add(t);
                latest.remove(entry.getKey());
                it.remove();
                changed = true;
            }
        }
        for (ScrapeEndpoint se : wanted.values()) {
            Endpoint e = se.endpoint();
            if (!targets.containsKey(e.hostPort())) {
                ScrapeTarget t = new ScrapeTarget(
                        e.hostPort(),
                        e.address(),
                        e.port(),
                        EngineType.of(e.labels()),
                        se.tls().orElse(null),
                        settings.interval());
                targets.put(e.hostPort(), t);
                added.add(t);
                changed = true;
            }
        }
        if (changed) {
            selector.wakeup();
        }
    }

    /**
     * Whether a connection made under {@code before} may serve {@code now}: the same instance
     * ({@code UpstreamTlsCache} keeps one per policy content, and a new one carries a new trust
     * manager that the kept connection was never verified with).
     */
    @SuppressWarnings("ReferenceEquality")
    private static boolean sameTls(UpstreamTls now, UpstreamTls before) {
        return now == before;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            targets.values().forEach(t -> t.removed = true);
            targets.clear();
        }
        selector.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the loop (its own thread) ----

    private void run() {
        try {
            while (!closed) {
                long now = System.nanoTime();
                adopt(now);
                expire(now);
                start(now);
                long wake = nextWake(now);
                if (wake <= 0) {
                    selector.selectNow();
                } else if (!inFlight.isEmpty()) {
                    // Replies are coming: let them gather instead of waking for each one.
                    Thread.sleep(Duration.ofNanos(Math.min(wake, gatherNanos)));
                    selector.selectNow();
                } else {
                    selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wake + 999_999)));
                }
                var keys = selector.selectedKeys();
                for (SelectionKey key : keys) {
                    ready(key);
                }
                keys.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | ClosedSelectorException e) {
            if (!closed) {
                LOG.log(Level.SEVERE, e, () -> "metrics scraping stopped: " + e);
            }
        } catch (RuntimeException | Error e) {
            LOG.log(Level.SEVERE, e, () -> "metrics scraping stopped: " + e);
            throw e;
        } finally {
            for (SelectionKey k : selector.keys()) {
                closeQuietly((ScrapeTarget) k.attachment());
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // shutting down
            }
        }
    }

    /** Takes in endpoints {@link #follow} added (due at once) and lets go of those it dropped. */
    private void adopt(long now) {
        for (ScrapeTarget t; (t = dropped.poll()) != null; ) {
            waiting.remove(t);
            inFlight.remove(t);
            closeQuietly(t);
            synchronized (this) { // a scrape that ended as follow() dropped it may have stored a sample
                if (!targets.containsKey(t.hostPort)) {
                    latest.remove(t.hostPort);
                }
            }
        }
        for (ScrapeTarget t; (t = added.poll()) != null; ) {
            if (!t.removed) {
                t.due = now;
                waiting.add(t);
            }
        }
    }

    /** Fails the scrapes that ran out of time. */
    private void expire(long now) {
        for (int i = inFlight.size() - 1; i >= 0; i--) {
            ScrapeTarget t = inFlight.get(i);
            if (now - t.deadline >= 0) {
                fail(t, now, "timed out after " + settings.timeout().toMillis() + " ms");
            }
        }
    }

    /** Starts every scrape that is due (or nearly), as far as the concurrency bound allows. */
    private void start(long now) {
        while (inFlight.size() < settings.maxConcurrent()
                && !waiting.isEmpty()
                && waiting.peek().due - now <= slackNanos) {
            ScrapeTarget t = waiting.poll();
            t.started = now;
            t.deadline = now + timeoutNanos;
            t.retried = false;
            inFlight.add(t);
            begin(t, now);
        }
    }

    /** Nanoseconds until the loop has something to do: the next due scrape or deadline. */
    private long nextWake(long now) {
        long wake = Long.MAX_VALUE;
        if (!waiting.isEmpty() && inFlight.size() < settings.maxConcurrent()) {
            wake = waiting.peek().due - now;
        }
        for (ScrapeTarget t : inFlight) {
            wake = Math.min(wake, t.deadline - now);
        }
        return wake == Long.MAX_VALUE ? TimeUnit.SECONDS.toNanos(1) : wake;
    }

    /** Sends the request on the kept-alive connection, or opens one first. */
    private void begin(ScrapeTarget t, long now) {
        t.reply.reset();
        try {
            if (t.channel != null && t.channel.isOpen()) {
                t.reused = true;
                write(t, t.request());
                return;
            }
            t.reused = false;
            SocketChannel ch = SocketChannel.open();
            t.channel = ch;
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            t.key = ch.register(selector, 0, t);
            if (t.tls != null) {
                t.session = new TlsSession(engine(t.tls, t.address.getPort()));
            }
            if (ch.connect(t.address)) {
                connected(t);
            } else {
                t.state = ScrapeTarget.State.CONNECTING;
                t.key.interestOps(SelectionKey.OP_CONNECT);
            }
        } catch (IOException | RuntimeException e) {
            fail(t, now, e.toString());
        }
    }

    /** A new connection is up: the TLS handshake first, for TLS targets, then the request. */
    private void connected(ScrapeTarget t) throws IOException {
        if (t.session == null) {
            write(t, t.request());
            return;
        }
        t.state = ScrapeTarget.State.HANDSHAKING;
        handshake(t);
    }

    private void handshake(ScrapeTarget t) throws IOException {
        int interest = t.session.handshake(t.channel);
        if (interest == 0) {
            write(t, t.request());
        } else {
            t.key.interestOps(interest);
        }
    }

    /** A client engine of the pool's policy: its SNI, its trust manager, no JDK hostname check. */
    private static SSLEngine engine(UpstreamTls tls, int port) {
        SSLEngine engine = tls.tls().sslContext().createSSLEngine(tls.policy().hostname(), port);
        engine.setUseClientMode(true);
        engine.setSSLParameters(tls.tls().sslParameters());
        return engine;
    }

    private void write(ScrapeTarget t, ByteBuffer buf) throws IOException {
        if (t.session != null) {
            boolean all = buf == null ? t.session.flush(t.channel) : t.session.write(t.channel, buf);
            t.pending = null;
            t.state = all ? ScrapeTarget.State.READING : ScrapeTarget.State.WRITING;
            t.key.interestOps(all ? SelectionKey.OP_READ : SelectionKey.OP_WRITE);
            return;
        }
        t.channel.write(buf);
        if (buf.hasRemaining()) {
            t.pending = buf;
            t.state = ScrapeTarget.State.WRITING;
            t.key.interestOps(SelectionKey.OP_WRITE);
        } else {
            t.pending = null;
            t.state = ScrapeTarget.State.READING;
            t.key.interestOps(SelectionKey.OP_READ);
        }
    }

    private void ready(SelectionKey key) {
        ScrapeTarget t = (ScrapeTarget) key.attachment();
        long now = System.nanoTime();
        try {
            if (!key.isValid()) {
                return;
            }
            switch (t.state) {
                case CONNECTING -> {
                    if (t.channel.finishConnect()) {
                        connected(t);
                    }
                }
                case HANDSHAKING -> handshake(t);
                case WRITING -> write(t, t.pending);
                case READING -> read(t, now);
                case IDLE -> closeQuietly(t); // readable while idle: the server closed it (or sent what it should not)
            }
        } catch (CancelledKeyException e) {
            // dropped meanwhile
        } catch (IOException | RuntimeException e) {
            if (t.inFlight()) {
                fail(t, now, e.toString());
            } else {
                closeQuietly(t);
            }
        }
    }

    private void read(ScrapeTarget t, long now) throws IOException {
        ByteBuffer data;
        if (t.session != null) {
            data = t.session.read(t.channel); // null: the server closed the connection
        } else {
            readBuffer.clear();
            int n = t.channel.read(readBuffer);
            readBuffer.flip();
            data = n < 0 ? null : readBuffer;
        }
        if (data == null) {
            if (t.reply.endOfStream()) {
                closeQuietly(t);
                done(t, now);
            } else if (t.reused && !t.reply.started() && !t.retried) {
                // The server closed the idle connection as we reused it: once more on a new one.
                closeQuietly(t);
                t.retried = true;
                t.state = ScrapeTarget.State.IDLE;
                begin(t, now);
            } else {
                fail(t, now, "connection closed " + (t.reply.started() ? "in the reply" : "before a reply"));
            }
            return;
        }
        if (t.reply.feed(data)) {
            if (data.hasRemaining()) {
                throw new IOException("bytes after the reply");
            }
            if (!t.reply.keepAlive()) {
                closeQuietly(t);
            }
            done(t, now);
        }
    }

    /** Reply complete: parse it where it lies and schedule the next scrape. */
    private void done(ScrapeTarget t, long now) {
        if (t.reply.status() != 200) {
            fail(t, now, "status " + t.reply.status());
            return;
        }
        Metrics m = MetricsParser.parse(t.engine, t.reply.body(), t.reply.bodyLength(), now);
        idle(t);
        if (!t.removed) {
            latest.put(t.hostPort, m);
        }
        succeeded.increment();
        t.backoff = settings.interval();
        // Fixed rate, like the EPP's ticker: the next scrape is due one interval after this one
        // started (not after it ended, which would stretch the interval by each scrape's
        // duration); one that overran is due at once. Endpoints started together stay together.
        long next = t.started + intervalNanos;
        schedule(t, next - now < 0 ? now : next);
    }

    private void fail(ScrapeTarget t, long now, String why) {
        LOG.fine(
                () -> "scrape of " + (t.tls == null ? "http://" : "https://") + t.hostPort + "/metrics failed: " + why);
        failed.increment();
        closeQuietly(t);
        idle(t);
        t.backoff = t.backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : t.backoff.multipliedBy(2);
        schedule(t, now + t.backoff.toNanos());
    }

    private void idle(ScrapeTarget t) {
        inFlight.remove(t);
        t.state = ScrapeTarget.State.IDLE;
        t.pending = null;
        if (t.key != null && t.key.isValid()) {
            t.key.interestOps(SelectionKey.OP_READ); // to notice the server closing it meanwhile
        }
    }

    private void schedule(ScrapeTarget t, long due) {
        if (t.removed || closed) {
            closeQuietly(t);
            return;
        }
        t.due = due;
        waiting.add(t);
    }

    private static void closeQuietly(ScrapeTarget t) {
        if (t == null) {
            return;
        }
        SocketChannel ch = t.channel;
        t.channel = null;
        if (t.session != null) {
            if (ch != null && ch.isOpen()) {
                t.session.close(ch); // close_notify, best effort
            }
            t.session = null;
        }
        if (t.key != null) {
            t.key.cancel();
            t.key = null;
        }
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // a broken connection: nothing to do
            }
        }
    }
}
