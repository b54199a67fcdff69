package io.infergate.router.ratelimit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Counts in this router's memory (limits of scope {@code Local}). A counter lives as long as its
 * window: counters whose window has ended are dropped when the map grows past
 * {@link #SWEEP_AT} entries, so memory follows the live tenants, not every tenant ever seen.
 * One lock for all counters: a take is a few map operations, never I/O.
 */
public final class LocalLedger implements Ledger {
    static final int SWEEP_AT = 10_000;

    private record Counter(long used, long expiresAtMillis) {}

    private final Map<String, Counter> counters = new HashMap<>();
    private final LongSupplier clockMillis;

    /** @param clockMillis the wall clock, in milliseconds since the epoch */
    public LocalLedger(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
    }

    @Override
    public synchronized Verdict take(List<Draw> draws) {
        long now = clockMillis.getAsLong();
        if (counters.size() > SWEEP_AT) {
            sweep(now);
        }
        for (int i = 0; i < draws.size(); i++) {
            Draw d = draws.get(i);
            long used = used(d.key(), now);
            if (used + d.cost() > d.limit()) {
                return new Verdict.Refused(i, used);
            }
        }
        List<Long> after = new ArrayList<>(draws.size());
        for (Draw d : draws) {
            long used = used(d.key(), now) + d.cost();
            Counter c = counters.get(d.key());
            long expires = c != null && c.expiresAtMillis() > now ? c.expiresAtMillis() : now + d.resetMillis();
            counters.put(d.key(), new Counter(used, expires));
            after.add(used);
        }
        return new Verdict.Taken(after);
    }

    @Override
    public synchronized void adjust(String key, long delta, long ttlMillis) {
        long now = clockMillis.getAsLong();
        Counter c = counters.get(key);
        if (c != null && c.expiresAtMillis() > now) {
            counters.put(key, new Counter(c.used() + delta, c.expiresAtMillis()));
        } else if (delta > 0) {
            counters.put(key, new Counter(delta, now + ttlMillis));
        }
    }

    /** Counters held now (tests). */
    synchronized int size() {
        return counters.size();
    }

    private long used(String key, long now) {
        Counter c = counters.get(key);
        return c == null || c.expiresAtMillis() <= now ? 0 : c.used();
    }

    private void sweep(long now) {
        for (Iterator<Counter> it = counters.values().iterator(); it.hasNext(); ) {
            if (it.next().expiresAtMillis() <= now) {
                it.remove();
            }
        }
    }
}
