package io.infergate.router.schedule.plugins.prefix;

import io.infergate.router.schedule.framework.EndpointView;
import io.infergate.router.schedule.framework.Parameters;
import io.infergate.router.schedule.framework.PickContext;
import io.infergate.router.schedule.framework.Plugin;
import io.infergate.router.schedule.framework.PluginHandle;
import io.infergate.router.schedule.framework.RouterCount;
import io.infergate.router.schedule.framework.SlotGate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * {@code prefix-cache-scorer}: prefers endpoints likely to hold the prompt's prefix in their KV
 * cache. The prompt is hashed into a chain of block hashes ({@link PrefixHashes}); a prompt
 * without a full block scores 0 everywhere. Three modes (docs/adr/0005-prefix-affinity.md,
 * docs/adr/0022-load-aware-prefix-affinity.md):
 *
 * <ul>
 *   <li>{@code local-index} (the EPP's approximate scorer, kept as it is for comparison):
 *   {@code score = leading blocks this router has sent to the endpoint / blocks of the prompt}.
 *   Each router learns alone, so with N routers a prefix is spread over up to N endpoints, and
 *   nothing bounds the load a prefix draws to its pod.</li>
 *   <li>{@code rendezvous}: the anchor {@code h_a} (the hash of the first
 *   {@code min(anchor-blocks, n)} blocks) ranks the endpoints by highest random weight
 *   {@code mix(h_a ⊕ hash(address:port))}, weighted per endpoint by a slow controller that
 *   evens the scraped loads ({@link RendezvousWeights}, ADR 0036: the hash alone spreads a few
 *   dozen prefixes unevenly). Walking that order, an <em>overloaded</em> endpoint
 *   ({@link LoadBound}: far above the mean load, queueing while another endpoint has room, or
 *   with every slot taken while another endpoint has a free one, ADR 0037) is skipped (consistent hashing with bounded loads); the first one kept scores 1. Every other
 *   endpoint scores as in {@code local-index}, so a prefix this router already spilled elsewhere
 *   still counts, except that an overloaded endpoint scores 0. Every router computes the same
 *   ranking from the same snapshot and, up to scrape timing, the same loads, so the affinity
 *   holds across N routers without a shared store; removing an endpoint moves only the prefixes
 *   it was first for.</li>
 *   <li>{@code auto} (default): with one router ({@link RouterCount} 1) the local index with the
 *   same load bound: an overloaded endpoint scores 0, so a hot prefix spills, to the endpoint
 *   with the most free slots when slots are known ({@link SlotLedger}, ADR 0037), else to the
 *   endpoint the load scorers choose, which then holds it too; with more routers, {@code rendezvous}. Only
 *   routers that share a pool need a placement they agree on without talking; a router alone does
 *   better placing a new prefix by load (the other scorers) and remembering where it went, since
 *   the hash spreads a few dozen prefixes unevenly. The index is kept in both.</li>
 * </ul>
 *
 * <p>With {@code gate: true} (needs {@code slots} &ge; 0) it is also the pool's {@link SlotGate}
 * (late binding, docs/adr/0042-late-binding-gate.md): while every endpoint that holds a request's
 * prefix ({@link #homes}) has its slots taken, the admission queue holds the request at the
 * gateway; a freed slot goes to a waiter whose prefix that endpoint holds, and a waiter that
 * waited {@code gateMaxWaitMs} takes a free slot anywhere. {@code freeSlotSpill: false} keeps the
 * slot ledger (for the gate) without ADR 0037's spill tests.
 */
public final class PrefixCacheScorer implements Plugin.Scorer, SlotGate {

    public static final String TYPE = "prefix-cache-scorer";

    private static final Logger LOG = Logger.getLogger(PrefixCacheScorer.class.getName());

    /**
     * The share of a request's blocks cached on a prefill line (by this router's index) from
     * which the queue test leaves that line alone for it (ADR 0045): half its prefill saved.
     */
    public static final double DEFAULT_LINE_KEEP_MATCH = 0.5;

    /** Line verdicts remembered for the change log; beyond, the memory starts over. */
    private static final int MAX_LINES_LOGGED = 4096;

    /** Queued requests an endpoint may have, while another has none, and keep its prefixes (ADR 0022). */
    public static final int DEFAULT_QUEUE_SLACK = 4;

    /**
     * Slots per endpoint (ADR 0037): 0 learns them from the scrapes, -1 (the default) turns the
     * slot tests off: in the same-run comparison they shortened the stuck spells but cost p90 TTFT
     * and capacity tokens/s, which the other goals need.
     */
    public static final int DEFAULT_SLOTS = -1;

    /**
     * Estimated queue beyond the pool's shortest on endpoints with known slots (ADR 0037); -1: off,
     * the default: with 3 routers it spilled groups until the hit rate collapsed (43% at 24 req/s).
     */
    public static final int DEFAULT_FULL_QUEUE_SLACK = -1;

    /**
     * How long a request held by the gate (ADR 0042) waits for a slot on the endpoints that hold
     * its prefix while another endpoint has one free. Since ADR 0044 the line bound spills hot
     * groups before their lines grow, so this is a backstop: at full load a miss of the
     * benchmark's 2,048-token prefix costs about 1.2 s of prefill on llm-d-inference-sim, and
     * 500 ms of waiting followed by that miss was the gate's p90 tail; 2 s gave the better p90,
     * hit rate and capacity in a same-run comparison (docs/benchmarks.md).
     */
    public static final int DEFAULT_GATE_MAX_WAIT_MS = 2000;

    /**
     * The rendezvous weights' controller gain (ADR 0036); 0 turns the weights off. 0.05 since ADR
     * 0046: half the gain before gave 3–5 more points of hit rate and a lower p90 TTFT at every
     * rate from 16 req/s with 3 routers on llm-d-inference-sim (two same-run comparisons), and still
     * evens the hash's spread within a minute or two. Why is not settled: the weights following the
     * load's noise and moving groups needlessly was the hypothesis, but a hysteresis against such
     * moves did not help.
     */
    public static final double DEFAULT_REBALANCE_GAIN = 0.05;

    /** How endpoints are matched to prefixes. */
    public enum Mode {
        LOCAL_INDEX,
        RENDEZVOUS,
        AUTO
    }

    private final String name;
    private final Mode mode;
    private final int blockChars;
    private final int maxBlocks;
    private final int anchorBlocks;
    private final LoadBound bound;
    private final PrefixIndex index;
    private final RouterCount routers;

    /**
     * The factory; each parameter's default and bounds (docs/plugins/prefix-cache-scorer.md):
     * {@code mode} auto | rendezvous | local-index (auto), {@code blockSize} 1..2^20 (64),
     * {@code maxPrefixBlocksToMatch} 1..2^16 (256), {@code anchorBlocks} 1..2^16 (4),
     * {@code loadFactor} 0..100 (0.25), {@code loadSlack} 0..2^20 (4), {@code queueSlack} -1..2^20
     * ({@value #DEFAULT_QUEUE_SLACK}; -1: no queue test), {@code lruCapacityPerServer}
     * 1..2^24 (31,250), {@code rebalanceGain} 0..10 ({@value #DEFAULT_REBALANCE_GAIN}; 0: plain,
     * unweighted rendezvous, ADR 0036), {@code slots} -1..2^20 ({@value #DEFAULT_SLOTS}: no slot
     * test; 0: learn each endpoint's from its scrapes, ADR 0037), {@code fullQueueSlack} -1..2^20
     * ({@value #DEFAULT_FULL_QUEUE_SLACK}; -1: no saturated-queue test, ADR 0037), {@code gate}
     * true | false (false; true needs {@code slots} &ge; 0: late binding, ADR 0042),
     * {@code freeSlotSpill} true | false (true: with {@code slots} &ge; 0, ADR 0037's spill tests
     * act; false: the slots serve the gate only), {@code gateMaxWaitMs} 0..600,000
     * ({@value #DEFAULT_GATE_MAX_WAIT_MS}), {@code queueTest} auto | always (auto: the queue test
     * leaves prefill lines alone, ADR 0045; always: as before it), {@code lineKeepMatch} 0..1
     * ({@value #DEFAULT_LINE_KEEP_MATCH}: the share of a request's blocks cached on a line for the
     * line to keep it while it queues; 0: every request).
     */
    public static PrefixCacheScorer create(String name, Parameters p, PluginHandle handle) {
        int slots = p.integer("slots", DEFAULT_SLOTS, -1, 1 << 20);
        boolean gate = Boolean.parseBoolean(p.string("gate", "false", List.of("true", "false")));
        boolean spill = Boolean.parseBoolean(p.string("freeSlotSpill", "true", List.of("true", "false")));
        int maxWaitMs = p.integer("gateMaxWaitMs", DEFAULT_GATE_MAX_WAIT_MS, 0, 600_000);
        boolean queueTestOnLines =
                p.string("queueTest", "auto", List.of("auto", "always")).equals("always");
        if (gate && slots < 0) {
            throw new IllegalArgumentException("plugin '" + name
                    + "': parameter 'gate: true' needs the endpoints' slots: set 'slots' to 0 (learn them) or a count");
        }
        return new PrefixCacheScorer(
                name,
                Mode.valueOf(p.string("mode", "auto", List.of("auto", "rendezvous", "local-index"))
                        .replace('-', '_')
                        .toUpperCase(Locale.ROOT)),
                p.integer("blockSize", 64, 1, 1 << 20),
                p.integer("maxPrefixBlocksToMatch", 256, 1, 1 << 16),
                p.integer("anchorBlocks", 4, 1, 1 << 16),
                p.decimal("loadFactor", 0.25, 0, 100),
                p.integer("loadSlack", 4, 0, 1 << 20),
                p.integer("queueSlack", DEFAULT_QUEUE_SLACK, -1, 1 << 20),
                p.integer("lruCapacityPerServer", 31_250, 1, 1 << 24),
                p.decimal("rebalanceGain", DEFAULT_REBALANCE_GAIN, 0, 10),
                slots,
                p.integer("fullQueueSlack", DEFAULT_FULL_QUEUE_SLACK, -1, 1 << 20),
                gate,
                spill,
                Duration.ofMillis(maxWaitMs),
                queueTestOnLines,
                p.decimal("lineKeepMatch", DEFAULT_LINE_KEEP_MATCH, 0, 1),
                handle.routers(),
                handle.random().nextLong());
    }

    /**
     * @param queueTestOnLines whether ADR 0022's queue test also flags prefill lines (ADR 0045)
     * @param lineKeepMatch    the share of a request's blocks cached on a prefill line for the
     *                         queue test to leave that line alone for it (ADR 0045)
     * @param routers how many routers share the pools (read per pick in {@code auto} mode)
     * @param seed    this router's seed for its share of the scrapes' free slots (ADR 0044)
     */
    public PrefixCacheScorer(
            String name,
            Mode mode,
            int blockChars,
            int maxBlocks,
            int anchorBlocks,
            double loadFactor,
            int loadSlack,
            int queueSlack,
            int lruCapacityPerEndpoint,
            double rebalanceGain,
            int slots,
            int fullQueueSlack,
            boolean gate,
            boolean freeSlotSpill,
            Duration gateMaxWait,
            boolean queueTestOnLines,
            double lineKeepMatch,
            RouterCount routers,
            long seed) {
        this.name = name;
        this.gate = gate;
        this.gateMaxWait = gateMaxWait;
        this.freeSlotSpill = freeSlotSpill;
        this.routers = routers;
        this.mode = mode;
        this.blockChars = blockChars;
        this.maxBlocks = maxBlocks;
        this.anchorBlocks = anchorBlocks;
        this.bound = new LoadBound(loadFactor, loadSlack, queueSlack, fullQueueSlack);
        this.index = new PrefixIndex(lruCapacityPerEndpoint);
        this.weights = rebalanceGain > 0 ? new RendezvousWeights(rebalanceGain) : null;
        this.ledger = new SlotLedger(Math.max(0, slots), seed);
        this.slotTests = slots >= 0;
        this.queueTestOnLines = queueTestOnLines;
        this.lineKeepMatch = lineKeepMatch;
    }

    /**
     * Each endpoint's slots, whether it is a prefill line, and this router's picks since its scrape
     * (ADR 0037, 0045). Kept with the slot tests off too: the queue test needs the line verdicts.
     */
    private final SlotLedger ledger;

    /** Whether the slot counts act (ADR 0037, 0042): the {@code slots} parameter is &ge; 0. */
    private final boolean slotTests;

    /** Whether the queue test flags prefill lines too (ADR 0045: not by default). */
    private final boolean queueTestOnLines;

    /** The share of a request's blocks cached on a line for the line to keep it (ADR 0045). */
    private final double lineKeepMatch;

    /** The endpoints last seen as prefill lines, to log each verdict once when it changes. */
    private final Set<String> lines = ConcurrentHashMap.newKeySet();

    /** The rendezvous order's per-endpoint weights (ADR 0036); null: unweighted. */
    private final RendezvousWeights weights;

    /** Whether this scorer gates the pool's admission (ADR 0042). */
    private final boolean gate;

    /** How long a gated request waits for its homes while another endpoint has a free slot. */
    private final Duration gateMaxWait;

    /** Whether ADR 0037's spill tests use the slots (else only the gate does). */
    private final boolean freeSlotSpill;

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String name() {
        return name;
    }

    /** The configured mode. */
    public Mode mode() {
        return mode;
    }

    @Override
    public double[] score(PickContext request, List<EndpointView> candidates) {
        double[] out = new double[candidates.size()];
        long[] chain = chain(request);
        if (chain.length == 0) {
            return out;
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = (double) index.leadingMatches(candidates.get(i).key(), chain) / chain.length;
        }
        if (mode == Mode.LOCAL_INDEX) {
            return out; // the EPP's scorer, kept as it is for comparison: no load bound
        }
        long now = System.nanoTime();
        long[] load = loads(candidates);
        List<String> keys = keys(candidates);
        Slots s = spillSlots(candidates);
        boolean[] over = overloaded(candidates, keys, load, s, out);
        double spilled = 0; // the best match on an overloaded endpoint
        for (int i = 0; i < out.length; i++) {
            if (over[i]) {
                spilled = Math.max(spilled, out[i]);
                out[i] = 0; // too busy to keep drawing its prefixes
            }
        }
        if (mode == Mode.RENDEZVOUS || routers.get() > 1) {
            double[] weight = weights == null ? null : weights.weights(keys, load, now);
            out[assigned(chain, candidates, over, weight)] = 1;
        } else if (spilled > 0) {
            int target = s.spillTarget(out, over, load);
            if (target >= 0) {
                out[target] = spilled;
            }
        }
        return out;
    }

    @Override
    public boolean gates() {
        return gate;
    }

    @Override
    public boolean full(PickContext request, List<EndpointView> candidates) {
        Optional<Set<String>> homes = homes(request, candidates);
        return homes.isPresent() && gateSlots(candidates).fullFor(homes.get(), candidates); // unknown: not full
    }

    /**
     * ADR 0022's queue slack, applied to the router's queue, on every router alike: with N routers
     * a router sees about 1/N of a line, but dividing the slack by N spilled on chance lines of two
     * and cost a quarter of the hit rate (ADR 0044); 0 when the queue test is off.
     */
    @Override
    public int lineSlack() {
        return Math.max(0, bound.queueSlack());
    }

    @Override
    public Map<String, Integer> freeSlots(List<EndpointView> candidates) {
        return gateSlots(candidates).freeByKey(candidates);
    }

    @Override
    public List<String> spillOrder(PickContext request, List<EndpointView> candidates) {
        long[] chain = chain(request);
        if (chain.length == 0) {
            return List.of();
        }
        List<String> out = new ArrayList<>(candidates.size());
        for (int i : rendezvousOrder(chain[Math.min(anchorBlocks, chain.length) - 1], candidates)) {
            out.add(candidates.get(i).key());
        }
        return out;
    }

    @Override
    public Duration maxWait() {
        return gateMaxWait;
    }

    @Override
    public boolean fullAt(List<EndpointView> candidates, String key) {
        return gateSlots(candidates).fullAt(candidates, key);
    }

    /**
     * The candidates the request's prefix prefers: those this router sent the longest match to
     * (in every mode), and with several routers or in {@code rendezvous} mode also the rendezvous
     * choice with no endpoint overloaded, which every router agrees on. So a group that spilled to
     * a second endpoint (ADR 0044's spill order) has two homes on the routers that spilled it. An
     * empty set for a prompt without a full block or a prefix never sent anywhere; empty when some
     * candidate's slots are unknown (no late binding).
     */
    @Override
    public Optional<Set<String>> homes(PickContext request, List<EndpointView> candidates) {
        if (!slots(candidates).allKnown()) {
            return Optional.empty();
        }
        long[] chain = chain(request);
        if (chain.length == 0) {
            return Optional.of(Set.of());
        }
        double[] match = new double[candidates.size()];
        double best = 0;
        for (int i = 0; i < match.length; i++) {
            match[i] = (double) index.leadingMatches(candidates.get(i).key(), chain) / chain.length;
            best = Math.max(best, match[i]);
        }
        Set<String> out = new HashSet<>();
        for (int i = 0; i < match.length; i++) {
            if (best > 0 && match[i] == best) {
                out.add(candidates.get(i).key());
            }
        }
        if (mode == Mode.RENDEZVOUS || (mode == Mode.AUTO && routers.get() > 1)) {
            double[] weight =
                    weights == null ? null : weights.weights(keys(candidates), loads(candidates), System.nanoTime());
            out.add(candidates
                    .get(assigned(chain, candidates, new boolean[candidates.size()], weight))
                    .key());
        }
        return Optional.of(out);
    }

    @Override
    public void finished(String endpoint) {
        ledger.completed(endpoint, System.nanoTime());
    }

    @Override
    public void picked(PickContext request, EndpointView chosen) {
        index.record(chosen.key(), chain(request));
        ledger.picked(chosen.key(), System.nanoTime());
        memo.remove();
    }

    /** {@link #slots(List)} for the spill tests: none known when {@code freeSlotSpill} is off. */
    private Slots spillSlots(List<EndpointView> candidates) {
        Slots s = slots(candidates);
        return freeSlotSpill ? s : s.withoutCounts();
    }

    /** The candidates' slots and occupancy; no counts known when the slot tests are off. */
    private Slots slots(List<EndpointView> candidates) {
        Slots s = Slots.of(ledger, candidates); // also feeds the ledger the scrapes, for the line verdicts
        return slotTests ? s : s.withoutCounts();
    }

    /** {@link #slots(List)} as the gate counts them: this router's share of the scrapes' free slots. */
    private Slots gateSlots(List<EndpointView> candidates) {
        Slots s = Slots.of(ledger, candidates, routers.get());
        return slotTests ? s : s.withoutCounts();
    }

    /** The last request this thread hashed and its chain: score and picked hash the prompt once. */
    private record Memo(PickContext request, long[] chain) {}

    // per instance, not static: the chain depends on this scorer's block size and block count
    @SuppressWarnings("ThreadLocalUsage")
    private final ThreadLocal<Memo> memo = new ThreadLocal<>();

    @SuppressWarnings("ReferenceEquality") // the memo is for this very request object, not an equal one
    private long[] chain(PickContext request) {
        Memo m = memo.get();
        if (m != null && m.request() == request) {
            return m.chain();
        }
        long[] chain = PrefixHashes.chain(request.model().orElse(""), request.prompt(), blockChars, maxBlocks);
        memo.set(new Memo(request, chain));
        return chain;
    }

    private static List<String> keys(List<EndpointView> candidates) {
        List<String> keys = new ArrayList<>(candidates.size());
        for (EndpointView v : candidates) {
            keys.add(v.key());
        }
        return keys;
    }

    private static long[] loads(List<EndpointView> candidates) {
        long[] load = new long[candidates.size()];
        for (int i = 0; i < load.length; i++) {
            load[i] = load(candidates.get(i));
        }
        return load;
    }

    /** Which candidates are overloaded ({@link LoadBound}). */
    boolean[] overloaded(List<EndpointView> candidates) {
        return overloaded(candidates, loads(candidates));
    }

    private boolean[] overloaded(List<EndpointView> candidates, long[] load) {
        return overloaded(candidates, keys(candidates), load, spillSlots(candidates), new double[load.length]);
    }

    /**
     * {@link LoadBound#overloaded} of the candidates for a request, {@code s} having fed the ledger
     * their scrapes. The queue test leaves a prefill line alone only for a request that would
     * mostly hit there ({@code match} at least {@code lineKeepMatch}, ADR 0045): a spill costs
     * such a request its cached prefill, while a short prompt or one not cached there loses
     * nothing by going to a pod with no queue.
     *
     * @param keys  the candidates' keys
     * @param match per candidate, the request's leading blocks this router sent there, as a
     *              share of its blocks
     */
    private boolean[] overloaded(
            List<EndpointView> candidates, List<String> keys, long[] load, Slots s, double[] match) {
        boolean[] line = queueTestOnLines ? new boolean[load.length] : ledger.prefillLines(keys);
        logChanges(keys, line);
        boolean[] keep = new boolean[line.length];
        for (int i = 0; i < keep.length; i++) {
            keep[i] = line[i] && match[i] >= lineKeepMatch;
        }
        return bound.overloaded(load, waiting(candidates), s.occupancy(), s.slots(), keep);
    }

    /**
     * Logs an endpoint becoming, or ceasing to be, a prefill line (rare: a verdict needs many
     * scrapes). Runs on every pick, so the shared set is read first and written only on a change.
     */
    private void logChanges(List<String> keys, boolean[] line) {
        if (lines.size() > MAX_LINES_LOGGED) {
            lines.clear();
        }
        for (int i = 0; i < line.length; i++) {
            String key = keys.get(i);
            boolean isLine = line[i];
            if (lines.contains(key) != isLine && (isLine ? lines.add(key) : lines.remove(key))) {
                LOG.info(() -> "prefix-cache-scorer '" + name + "': endpoint " + key
                        + (isLine
                                ? " queues at many running counts (a prefill line): the queue test leaves it alone (ADR 0045)"
                                : " is no longer a prefill line: the queue test applies to it again"));
            }
        }
    }

    /** Per candidate, the scraped queue when fresh, -1 when unknown. */
    private static int[] waiting(List<EndpointView> candidates) {
        int[] waiting = new int[candidates.size()];
        for (int i = 0; i < waiting.length; i++) {
            EndpointView v = candidates.get(i);
            waiting[i] =
                    v.metrics().isPresent() && !v.stale() ? v.metrics().get().waiting() : -1;
        }
        return waiting;
    }

    /** {@link #assigned(long[], List, boolean[], double[])} with the candidates' current loads, unweighted. */
    int assigned(long[] chain, List<EndpointView> candidates) {
        return assigned(chain, candidates, overloaded(candidates), null);
    }

    /**
     * The index of the candidate the rendezvous order with bounded load assigns: walking the
     * candidates by highest random weight, the first that is not overloaded, i.e. the
     * highest-ranked of those (one pass, no sort); the highest-ranked of all when every candidate
     * is overloaded (which {@link LoadBound} never reports). With {@code endpointWeight}, the
     * order is the weighted one ({@link RendezvousWeights#score}); null: all weights 1.
     */
    int assigned(long[] chain, List<EndpointView> candidates, boolean[] over, double[] endpointWeight) {
        long anchor = chain[Math.min(anchorBlocks, chain.length) - 1];
        int n = candidates.size();
        double[] weight = new double[n];
        for (int i = 0; i < n; i++) {
            weight[i] = RendezvousWeights.score(
                    PrefixHashes.mix(
                            anchor ^ PrefixHashes.ofKey(candidates.get(i).key())),
                    endpointWeight == null ? 1 : endpointWeight[i]);
        }
        int best = 0;
        int bestUnder = -1;
        for (int i = 0; i < n; i++) {
            if (i > 0 && ranksBefore(i, best, weight, candidates)) {
                best = i;
            }
            if (!over[i] && (bestUnder < 0 || ranksBefore(i, bestUnder, weight, candidates))) {
                bestUnder = i;
            }
        }
        return bestUnder >= 0 ? bestUnder : best;
    }

    /** Rendezvous order: higher weight first; equal weights (a hash collision) by key. */
    private static boolean ranksBefore(int a, int b, double[] weight, List<EndpointView> candidates) {
        if (weight[a] != weight[b]) {
            return weight[a] > weight[b];
        }
        return candidates.get(a).key().compareTo(candidates.get(b).key()) < 0;
    }

    /** Candidate indexes, highest random weight first (ties, which need a hash collision, by key). */
    static List<Integer> rendezvousOrder(long anchor, List<EndpointView> candidates) {
        List<Integer> order = new ArrayList<>(candidates.size());
        double[] weight = new double[candidates.size()];
        for (int i = 0; i < weight.length; i++) {
            weight[i] = RendezvousWeights.score(
                    PrefixHashes.mix(
                            anchor ^ PrefixHashes.ofKey(candidates.get(i).key())),
                    1);
            order.add(i);
        }
        order.sort((a, b) -> a.equals(b) ? 0 : ranksBefore(a, b, weight, candidates) ? -1 : 1);
        return order;
    }

    private static long load(EndpointView v) {
        if (v.metrics().isPresent() && !v.stale()) {
            return (long) v.metrics().get().running() + v.metrics().get().waiting();
        }
        return v.outstanding();
    }
}
