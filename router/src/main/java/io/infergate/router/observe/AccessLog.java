package io.infergate.router.observe;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One line per public request, on standard output:
 * {@code <time> ACCESS rid=… method=… host=… path=… rule=… endpoint=… status=… duration_ms=… ttfb_ms=…[ tenant=…][ queue_ms=…]}.
 * The path is logged without its query string, and bodies and headers are never logged: they
 * can carry prompts and credentials. Every value the client chooses (request id, method, host,
 * path) is rendered by {@link LogValue}: bare when it cannot delimit anything, else quoted and
 * escaped, so that {@code x-request-id: a status=200 path=/admin} stays one quoted value.
 *
 * <p>Rule: the request thread only stamps the entry and offers it to a bounded queue; one
 * background thread wakes every {@link #FLUSH_INTERVAL} (as Envoy flushes its access logs on an
 * interval), formats and writes what queued since and flushes once. Nothing on the request path wakes it: a
 * writer blocked in {@code take()} cost each request a futex wake, a context switch, a write
 * system call and the writer's return to sleep, about a sixth of the router's CPU per request
 * in bench/tls.sh; logging through JUL's console handler (a formatter call and a flush per record,
 * on the request thread) cost about a fifth. A line therefore appears at most one interval after
 * its request ended. When the queue is full a line is dropped and counted rather than slowing
 * traffic down. The access log is on while the JUL logger {@code io.infergate.router.access} is
 * at INFO (the default); set it to WARNING to turn it off.
 */
public final class AccessLog implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger("io.infergate.router.access");
    private static final int QUEUE = 65_536;

    /** How often the writer drains the queue: short enough to tail, long enough to batch. */
    static final Duration FLUSH_INTERVAL = Duration.ofMillis(100);

    private final BlockingQueue<Stamped> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();
    private final boolean enabled;
    private final Thread writer;

    /** Writes to standard output. */
    public AccessLog() {
        this(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
    }

    /** Writes to {@code out} (tests). */
    public AccessLog(Writer out) {
        enabled = LOG.isLoggable(Level.INFO);
        writer = Thread.ofPlatform()
                .daemon()
                .name("access-log")
                .unstarted(() -> drain(new BufferedWriter(out, 1 << 16)));
        if (enabled) {
            writer.start();
        }
    }

    /**
     * One finished request.
     *
     * @param ttfbMillis milliseconds to the upstream's response headers, or -1 without an upstream
     * @param tenant     the tenant an AuthPolicy authenticated, empty when none applied (then no
     *                   {@code tenant=} field is written)
     * @param queueMillis milliseconds the request waited in its InferencePool's admission queue
     *                   (fractional, 0 when admitted at once); negative when it passed no admission
     *                   (then no {@code queue_ms=} field is written)
     */
    public record Entry(
            String requestId,
            String method,
            String host,
            String path,
            String rule,
            String endpoint,
            int status,
            long durationMillis,
            long ttfbMillis,
            String tenant,
            double queueMillis) {

        /** An entry of a request that passed no admission queue. */
        public Entry(
                String requestId,
                String method,
                String host,
                String path,
                String rule,
                String endpoint,
                int status,
                long durationMillis,
                long ttfbMillis,
                String tenant) {
            this(requestId, method, host, path, rule, endpoint, status, durationMillis, ttfbMillis, tenant, -1);
        }

        /** An entry of a request no AuthPolicy applied to. */
        public Entry(
                String requestId,
                String method,
                String host,
                String path,
                String rule,
                String endpoint,
                int status,
                long durationMillis,
                long ttfbMillis) {
            this(requestId, method, host, path, rule, endpoint, status, durationMillis, ttfbMillis, "");
        }

        /** The line of a request that ended at {@code epochMicros}, without its newline. */
        void write(Appendable out, long epochMicros) throws IOException {
            Timestamps.appendIso(out, epochMicros);
            out.append(" ACCESS rid=").append(LogValue.of(requestId));
            out.append(" method=").append(LogValue.of(method));
            out.append(" host=").append(LogValue.of(host));
            out.append(" path=").append(LogValue.of(path));
            out.append(" rule=").append(LogValue.of(rule));
            out.append(" endpoint=").append(LogValue.of(endpoint));
            out.append(" status=").append(Integer.toString(status));
            out.append(" duration_ms=").append(Long.toString(durationMillis));
            out.append(" ttfb_ms=").append(ttfbMillis < 0 ? "-" : Long.toString(ttfbMillis));
            if (tenant != null && !tenant.isEmpty()) {
                out.append(" tenant=").append(LogValue.of(tenant));
            }
            if (queueMillis >= 0) {
                out.append(" queue_ms=").append(String.format(Locale.ROOT, "%.3f", queueMillis));
            }
        }
    }

    /** An entry and when its request ended (microseconds since the epoch). */
    private record Stamped(Entry entry, long epochMicros) {}

    /**
     * Queues the entry when the access log is on; never blocks. Only the time is taken here: the
     * line is formatted by the writer thread, off the request's path.
     */
    public void log(Entry entry) {
        if (enabled && !queue.offer(new Stamped(entry, Timestamps.nowMicros()))) {
            dropped.incrementAndGet();
        }
    }

    /** Lines dropped because the writer fell behind. */
    public long dropped() {
        return dropped.get();
    }

    /** Writes what is queued, then stops the writer. */
    @Override
    public void close() {
        writer.interrupt();
        try {
            writer.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void drain(BufferedWriter out) {
        List<Stamped> batch = new ArrayList<>(1024);
        long reportedDrops = 0;
        try {
            while (true) {
                // sleep, never wait on the queue: offer() then finds no waiter to signal
                LockSupport.parkNanos(FLUSH_INTERVAL.toNanos());
                boolean stopping = Thread.interrupted();
                while (queue.drainTo(batch, 4096) > 0) {
                    for (Stamped line : batch) {
                        line.entry().write(out, line.epochMicros());
                        out.write('\n');
                    }
                    batch.clear();
                }
                long drops = dropped.get();
                if (drops != reportedDrops) {
                    Timestamps.appendIso(out, Timestamps.nowMicros());
                    out.write(" ACCESS dropped=" + (drops - reportedDrops) + " (the access log writer fell behind)\n");
                    reportedDrops = drops;
                }
                out.flush();
                if (stopping) {
                    return;
                }
            }
        } catch (IOException e) {
            LOG.warning("access log stopped: " + e.getMessage());
        }
    }
}
