package io.infergate.router.schedule.plugins.prefix;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How many requests each endpoint runs at once ({@code max-num-seqs}), and how many this router
 * has sent it since its last scrape (docs/adr/0037-free-slot-spill.md).
 *
 * <p><b>Slots.</b> A configured count wins. Otherwise they are learned from the scrapes: a server
 * whose admission is bounded only by its slots queues a request exactly when every slot runs, so
 * a scrape that shows {@code waiting > 0} shows the largest {@code running} the server ever
 * reports, but for the moment between a request's end and the next one's admission (on
 * llm-d-inference-sim 5 of 851 queued scrapes showed 15 of 16). So the slots are that largest
 * count once at least {@value #MIN_AGREEING} queued scrapes showed it and at most one in
 * {@value #MAX_DISAGREEING_SHARE} showed two or more fewer (one fewer is that moment and counts
 * neither way). A server that queues at any running count (a
 * serial prefill line that queues while slots are free, or an engine whose KV cache bounds
 * admission first) fails that test and has no slot count: the rules that use them leave it
 * alone.
 *
 * <p><b>Picks and completions since the scrape.</b> A scrape is up to one interval old; the
 * requests this router sent since it completed are not in it, and the ones of this router that
 * finished since are still in it. Both are counted per endpoint from their times, so that a burst
 * within one interval fills a pod's free slots once, not once per request, and a slot freed by a
 * finished request counts as free at once, not one scrape later (the gate of ADR 0042 hands it
 * over at once). Other routers' picks and completions are not seen (each router has its own view).
 *
 * <p><b>Several routers</b> ({@link #free}, ADR 0044). The free slots a scrape shows are seen by
 * every router at once; if each took them all, a pod would get up to N times its free slots within
 * one interval and queue them. So a router counts as its own only its share of them: {@code
 * free / N}, and one more with probability {@code (free mod N) / N}, drawn once per scrape from
 * this router's seed (routers draw independently, so on average the remainder is taken once, not
 * N times or never). The slots its own requests free since the scrape are wholly its own.
 *
 * <p><b>Prefill lines</b> ({@link #prefillLines}, ADR 0045). The same scrapes tell what a queue
 * on an endpoint costs. A server whose queue forms only when every slot runs makes a queued
 * request wait for a whole running request to end; one that queues at many running counts
 * (it failed the slot test above, on at least {@value #MIN_LINE_EVIDENCE} queued scrapes) queues
 * its prefills one after another, so its queue drains at prefill speed and a queued request whose
 * prefix is cached there waits for a few short prefills, less than a miss costs elsewhere.
 *
 * <p>Thread-safe (one lock, held for a few map operations per pick); no I/O; the clock is the
 * caller's.
 */
final class SlotLedger {

    /** Queued scrapes at the largest running count needed before it counts as the slots. */
    static final int MIN_AGREEING = 2;
    /** At most one queued scrape in this many may show fewer running than the slots. */
    static final int MAX_DISAGREEING_SHARE = 8;
    /** Queued scrapes below the largest running count before an endpoint counts as a prefill line. */
    static final int MIN_LINE_EVIDENCE = 4;
    /** Pick times older than this are dropped: a scrape is never waited for that long. */
    static final long KEEP_PICKS_NANOS = 2_000_000_000L;
    /** Endpoints remembered; beyond, those not seen for a minute are forgotten. */
    private static final int MAX_ENDPOINTS = 4096;

    private final int configured;
    /** This router's seed for the share of a scrape's free slots it takes (distinct per router). */
    private final long seed;

    private final Map<String, State> byKey = new HashMap<>();

    private static final class State {
        long lastScrape = Long.MIN_VALUE;
        int maxRunning;
        /** Queued scrapes at {@link #maxRunning}, and below it. */
        long agreeing;

        long disagreeing;
        final ArrayDeque<Long> picks = new ArrayDeque<>();
        final ArrayDeque<Long> completions = new ArrayDeque<>();
        long seenAt;
        /** Uniform in [0, 1), drawn per scrape: whether this router takes the remainder's slot. */
        double draw;
    }

    /** @param configured each endpoint's slots; 0: learn them from the scrapes */
    SlotLedger(int configured) {
        this(configured, 0);
    }

    /**
     * @param configured each endpoint's slots; 0: learn them from the scrapes
     * @param seed       this router's seed for its share of the scrapes' free slots ({@link #free})
     */
    SlotLedger(int configured, long seed) {
        if (configured < 0) {
            throw new IllegalArgumentException("configured slots must be >= 0");
        }
        this.configured = configured;
        this.seed = seed;
    }

    /**
     * Learns from one scrape of an endpoint (the same scrape seen again is ignored).
     *
     * @param scrapedAt the scrape's {@link System#nanoTime()}
     */
    synchronized void observe(String key, int running, int waiting, long scrapedAt) {
        State s = state(key, scrapedAt);
        if (scrapedAt == s.lastScrape) {
            return;
        }
        s.lastScrape = scrapedAt;
        s.draw = (PrefixHashes.mix(seed ^ PrefixHashes.ofKey(key) ^ PrefixHashes.mix(scrapedAt)) >>> 11) * 0x1.0p-53;
        if (running > s.maxRunning) {
            s.maxRunning = running;
            s.disagreeing += s.agreeing; // it queued at a lower count before
            s.agreeing = 0;
        }
        if (waiting > 0) {
            if (running == s.maxRunning) {
                s.agreeing++;
            } else if (running < s.maxRunning - 1) {
                s.disagreeing++; // queued while slots it has used before were free
            }
            // one below: the moment between a request's end and the next one's admission, not a
            // verdict either way (with the gate of ADR 0042 pods rarely queue, and most of the
            // few queued scrapes are such moments)
        }
    }

    /** Records that this router sent a request to the endpoint at {@code now}. */
    synchronized void picked(String key, long now) {
        State s = state(key, now);
        s.picks.addLast(now);
        trim(s.picks, now);
    }

    /** Records that a request this router sent to the endpoint finished at {@code now}. */
    synchronized void completed(String key, long now) {
        State s = state(key, now);
        s.completions.addLast(now);
        trim(s.completions, now);
    }

    private static void trim(ArrayDeque<Long> times, long now) {
        while (!times.isEmpty() && now - times.peekFirst() > KEEP_PICKS_NANOS) {
            times.removeFirst();
        }
    }

    /** The endpoint's slots: the configured count, else the learned one; 0 when unknown. */
    synchronized int slots(String key) {
        if (configured > 0) {
            return configured;
        }
        State s = byKey.get(key);
        return s == null || s.maxRunning == 0 || !learned(s) ? 0 : s.maxRunning;
    }

    private static boolean learned(State s) {
        return s.agreeing >= MIN_AGREEING && s.disagreeing * MAX_DISAGREEING_SHARE <= s.agreeing + s.disagreeing;
    }

    /** Whether the endpoint queued at different running counts: its admission is not slot-bound. */
    private static boolean mixed(State s) {
        return s.disagreeing * MAX_DISAGREEING_SHARE > s.agreeing + s.disagreeing;
    }

    /**
     * Per key, whether the endpoint is a <b>prefill line</b> (see the class comment): it queued at
     * running counts well below its largest on at least {@value #MIN_LINE_EVIDENCE} scrapes, more
     * than one in {@value #MAX_DISAGREEING_SHARE} of its queued scrapes. An endpoint not seen
     * queueing yet is not one.
     */
    synchronized boolean[] prefillLines(List<String> keys) {
        boolean[] out = new boolean[keys.size()];
        for (int i = 0; i < out.length; i++) {
            State s = byKey.get(keys.get(i));
            out[i] = s != null && s.disagreeing >= MIN_LINE_EVIDENCE && mixed(s);
        }
        return out;
    }

    /**
     * The slots of a pool's endpoints: each one's own ({@link #slots(String)}); an endpoint that
     * has not queued yet (nothing learned, not mixed) takes the count most of the others learned
     * (ties: the larger), since a pool's pods are replicas of one deployment. Without that, a pod
     * that never queued would never count as having a free slot.
     */
    synchronized int[] slots(List<String> keys) {
        int n = keys.size();
        int[] out = new int[n];
        Map<Integer, Integer> votes = new HashMap<>();
        for (int i = 0; i < n; i++) {
            out[i] = slots(keys.get(i));
            if (out[i] > 0) {
                votes.merge(out[i], 1, Integer::sum);
            }
        }
        int consensus = 0;
        int most = 0;
        for (var e : votes.entrySet()) {
            if (e.getValue() > most || (e.getValue() == most && e.getKey() > consensus)) {
                consensus = e.getKey();
                most = e.getValue();
            }
        }
        for (int i = 0; i < n; i++) {
            State s = byKey.get(keys.get(i));
            if (out[i] == 0 && (s == null || !mixed(s))) {
                out[i] = consensus;
            }
        }
        return out;
    }

    /** Requests this router sent to the endpoint after {@code scrapedAt}. */
    synchronized int picksSince(String key, long scrapedAt) {
        State s = byKey.get(key);
        return s == null ? 0 : after(s.picks, scrapedAt);
    }

    /** Requests this router sent to the endpoint that finished after {@code scrapedAt}. */
    synchronized int completionsSince(String key, long scrapedAt) {
        State s = byKey.get(key);
        return s == null ? 0 : after(s.completions, scrapedAt);
    }

    /**
     * The endpoint's occupancy now: its scraped {@code running + waiting} (of the scrape at
     * {@code scrapedAt}), plus this router's picks since, minus this router's completions since
     * (never below 0: a completion of a request the scrape did not count yet).
     */
    synchronized int occupancy(String key, int scraped, long scrapedAt) {
        return Math.max(0, scraped + picksSince(key, scrapedAt) - completionsSince(key, scrapedAt));
    }

    /**
     * The endpoint's free slots that are this router's to fill now (may be negative: a queue), of
     * {@code slots} with {@code scraped} ({@code running + waiting}) in the scrape at {@code
     * scrapedAt}, when {@code routers} routers share the pool: this router's share of the free
     * slots the scrape shows (see the class comment), plus its completions since the scrape, minus
     * its picks since. With one router, {@code slots} minus {@link #occupancy}.
     */
    synchronized int free(String key, int slots, int scraped, long scrapedAt, int routers) {
        int shown = slots - scraped;
        int own = completionsSince(key, scrapedAt) - picksSince(key, scrapedAt);
        if (routers <= 1 || shown <= 0) {
            return Math.min(slots, shown + own); // never more than the slots (as occupancy >= 0)
        }
        State s = byKey.get(key);
        double draw = s == null ? 0 : s.draw;
        int share = shown / routers + (draw * routers < shown % routers ? 1 : 0);
        return Math.min(slots, share + own);
    }

    private static int after(ArrayDeque<Long> times, long scrapedAt) {
        int n = 0;
        for (var it = times.descendingIterator(); it.hasNext(); ) {
            if (it.next() - scrapedAt <= 0) {
                break;
            }
            n++;
        }
        return n;
    }

    private State state(String key, long now) {
        State s = byKey.get(key);
        if (s == null) {
            if (byKey.size() >= MAX_ENDPOINTS) {
                byKey.values().removeIf(old -> now - old.seenAt > 60 * 1_000_000_000L);
            }
            s = new State();
            byKey.put(key, s);
        }
        s.seenAt = now;
        return s;
    }
}
