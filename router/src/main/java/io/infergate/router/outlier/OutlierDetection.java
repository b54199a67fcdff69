package io.infergate.router.outlier;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Ejects endpoints that refuse connections, per {@code address:port}, shared by every backend.
 *
 * <p>Rules (after Envoy's outlier detection): {@link OutlierSettings#consecutiveConnectFailures()}
 * connect failures in a row eject the endpoint for {@code base × n} (n = how many times it was
 * ejected, capped at {@code max}). Once the ejection ends the endpoint gets traffic again but is on
 * probation: its next connect failure ejects it again at once (Envoy would wait for the full count
 * again, costing a dead pod's retries each time). Any response from the endpoint (headers
 * received) clears its record, ejections included. The scheduler skips ejected endpoints unless
 * every endpoint of the backend is ejected: then it ignores ejection (Envoy's panic threshold),
 * since sending to a maybe-dead endpoint beats refusing everything.
 *
 * <p>Only endpoints with failures have an entry, so the healthy path is one map lookup on an
 * empty or small map.
 */
public final class OutlierDetection {

    private final OutlierSettings settings;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final LongAdder ejections = new LongAdder();

    /** One failing endpoint; guarded by itself. */
    private static final class Entry {
        int consecutive;
        int ejections;
        long ejectedUntil;
        boolean ejected;
    }

    /** @param nanoClock {@link System#nanoTime()} in production, a fake in tests */
    public OutlierDetection(OutlierSettings settings, LongSupplier nanoClock) {
        this.settings = settings;
        this.nanoClock = nanoClock;
    }

    /** With the system clock. */
    public OutlierDetection(OutlierSettings settings) {
        this(settings, System::nanoTime);
    }

    /** Whether the endpoint is ejected now. */
    public boolean ejected(String key) {
        if (entries.isEmpty()) {
            return false;
        }
        Entry e = entries.get(key);
        if (e == null) {
            return false;
        }
        synchronized (e) {
            return e.ejected && nanoClock.getAsLong() - e.ejectedUntil < 0;
        }
    }

    /**
     * A connection to the endpoint could not be made.
     *
     * @return whether this failure ejected it
     */
    public boolean connectFailed(String key) {
        if (settings.consecutiveConnectFailures() == 0) {
            return false;
        }
        Entry e = entries.computeIfAbsent(key, k -> new Entry());
        synchronized (e) {
            long now = nanoClock.getAsLong();
            if (e.ejected && now - e.ejectedUntil < 0) {
                return false; // a request that started before the ejection
            }
            e.consecutive++;
            boolean probation = e.ejections > 0;
            if (!probation && e.consecutive < settings.consecutiveConnectFailures()) {
                return false;
            }
            e.ejections++;
            long base = settings.baseEjectionTime().toNanos();
            long max = settings.maxEjectionTime().toNanos();
            long length = e.ejections > max / base ? max : Math.min(max, base * e.ejections);
            e.ejectedUntil = now + length;
            e.ejected = true;
            e.consecutive = 0;
            ejections.increment();
            return true;
        }
    }

    /** The endpoint answered (response headers arrived): it is healthy again. */
    public void succeeded(String key) {
        if (!entries.isEmpty()) {
            entries.remove(key);
        }
    }

    /** Endpoints ejected right now (a gauge). */
    public int ejectedNow() {
        int n = 0;
        for (String key : entries.keySet()) {
            if (ejected(key)) {
                n++;
            }
        }
        return n;
    }

    /** Ejections since start (a counter). */
    public long ejectionsTotal() {
        return ejections.sum();
    }
}
