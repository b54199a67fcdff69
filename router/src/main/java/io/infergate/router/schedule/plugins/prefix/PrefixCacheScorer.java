package io.infergate.router.schedule.plugins.prefix;

import io.infergate.router.schedule.framework.EndpointView;
import io.infergate.router.schedule.framework.Parameters;
import io.infergate.router.schedule.framework.PickContext;
import io.infergate.router.schedule.framework.Plugin;
import io.infergate.router.schedule.framework.PluginHandle;
import io.infergate.router.schedule.framework.RouterCount;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code prefix-cache-scorer}: prefers endpoints likely to hold the prompt's prefix in their KV
 * cache. The prompt is hashed into a chain of block hashes ({@link PrefixHashes}); a prompt
 * without a full block scores 0 everywhere. Three modes (docs/adr/0005-prefix-affinity.md):
 *
 * <ul>
 *   <li>{@code local-index} (the EPP's approximate scorer): {@code score = leading blocks this
 *   router has sent to the endpoint / blocks of the prompt}. Each router learns alone, so with N
 *   routers a prefix is spread over up to N endpoints.</li>
 *   <li>{@code rendezvous}: the anchor {@code h_a} (the hash of the first
 *   {@code min(anchor-blocks, n)} blocks) ranks the endpoints by highest random weight
 *   {@code mix(h_a ⊕ hash(address:port))}. Walking that order, an endpoint whose load
 *   ({@code running + waiting} when scraped and fresh, else this router's outstanding) is at or
 *   above {@code ⌈(1 + loadFactor) × (Σ load + 1) / N⌉ + loadSlack} is skipped (consistent
 *   hashing with bounded loads; the slack keeps a pod with a couple of running requests from
 *   losing its prefixes at low load, where a model server batches them at no cost); the first
 *   one kept scores 1. Every other endpoint scores as in
 *   {@code local-index}, so a prefix this router already spilled elsewhere still counts.
 *   {@code score = max(assigned ? 1 : 0, leading matched / blocks)}. Every router computes the
 *   same ranking from the same snapshot and, up to scrape timing, the same loads, so the
 *   affinity holds across N routers without a shared store; removing an endpoint moves only the
 *   prefixes it was first for.</li>
 *   <li>{@code auto} (default): {@code local-index} while the served snapshot says this router is
 *   alone ({@link RouterCount} 1), {@code rendezvous} when it shares the pools with others. Only
 *   routers that share a pool need a placement they agree on without talking; a router alone does
 *   better placing a new prefix by load (the other scorers) and remembering where it went, since
 *   the hash spreads a few dozen prefixes unevenly. The index is kept in both, so a switch back to
 *   {@code local-index} starts from what this router sent.</li>
 * </ul>
 *
 * @param blockChars          characters per block (64 ≈ 16 tokens)
 * @param maxBlocks           blocks hashed at most
 * @param anchorBlocks        blocks the rendezvous anchor covers
 * @param loadFactor          the bounded-load ε
 * @param loadSlack           requests above the bound tolerated before an endpoint is skipped
 */
public final class PrefixCacheScorer implements Plugin.Scorer {

    public static final String TYPE = "prefix-cache-scorer";

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
    private final double loadFactor;
    private final int loadSlack;
    private final PrefixIndex index;
    private final RouterCount routers;

    /**
     * The factory; each parameter's default and bounds (docs/plugins/prefix-cache-scorer.md):
     * {@code mode} auto | rendezvous | local-index (auto), {@code blockSize} 1..2^20 (64),
     * {@code maxPrefixBlocksToMatch} 1..2^16 (256), {@code anchorBlocks} 1..2^16 (4),
     * {@code loadFactor} 0..100 (0.25), {@code loadSlack} 0..2^20 (4), {@code lruCapacityPerServer}
     * 1..2^24 (31,250).
     */
    public static PrefixCacheScorer create(String name, Parameters p, PluginHandle handle) {
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
                p.integer("lruCapacityPerServer", 31_250, 1, 1 << 24),
                handle.routers());
    }

    /** @param routers how many routers share the pools (read per pick in {@code auto} mode) */
    public PrefixCacheScorer(
            String name,
            Mode mode,
            int blockChars,
            int maxBlocks,
            int anchorBlocks,
            double loadFactor,
            int loadSlack,
            int lruCapacityPerEndpoint,
            RouterCount routers) {
        this.name = name;
        this.routers = routers;
        this.mode = mode;
        this.blockChars = blockChars;
        this.maxBlocks = maxBlocks;
        this.anchorBlocks = anchorBlocks;
        this.loadFactor = loadFactor;
        this.loadSlack = loadSlack;
        this.index = new PrefixIndex(lruCapacityPerEndpoint);
    }

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
        if (mode == Mode.RENDEZVOUS || (mode == Mode.AUTO && routers.get() > 1)) {
            out[assigned(chain, candidates)] = 1;
        }
        return out;
    }

    @Override
    public void picked(PickContext request, EndpointView chosen) {
        index.record(chosen.key(), chain(request));
        memo.remove();
    }

    /** The last request this thread hashed and its chain: score and picked hash the prompt once. */
    private record Memo(PickContext request, long[] chain) {}

    private final ThreadLocal<Memo> memo = new ThreadLocal<>();

    private long[] chain(PickContext request) {
        Memo m = memo.get();
        if (m != null && m.request() == request) {
            return m.chain();
        }
        long[] chain = PrefixHashes.chain(request.model().orElse(""), request.prompt(), blockChars, maxBlocks);
        memo.set(new Memo(request, chain));
        return chain;
    }

    /**
     * The index of the candidate the rendezvous order with bounded load assigns: walking the
     * candidates by highest random weight, the first whose load is under the bound, i.e. the
     * highest-ranked of those under it (one pass, no sort); the highest-ranked of all when every
     * candidate is at or over the bound.
     */
    int assigned(long[] chain, List<EndpointView> candidates) {
        long anchor = chain[Math.min(anchorBlocks, chain.length) - 1];
        int n = candidates.size();
        long[] weight = new long[n];
        long[] load = new long[n];
        long sum = 0;
        for (int i = 0; i < n; i++) {
            weight[i] = PrefixHashes.mix(
                    anchor ^ PrefixHashes.ofKey(candidates.get(i).key()));
            load[i] = load(candidates.get(i));
            sum += load[i];
        }
        double capacity = Math.ceil((1 + loadFactor) * (sum + 1) / n) + loadSlack;
        int best = 0;
        int bestUnder = -1;
        for (int i = 0; i < n; i++) {
            if (i > 0 && ranksBefore(i, best, weight, candidates)) {
                best = i;
            }
            if (load[i] < capacity && (bestUnder < 0 || ranksBefore(i, bestUnder, weight, candidates))) {
                bestUnder = i;
            }
        }
        return bestUnder >= 0 ? bestUnder : best;
    }

    /** Rendezvous order: higher weight first; equal weights (a hash collision) by key. */
    private static boolean ranksBefore(int a, int b, long[] weight, List<EndpointView> candidates) {
        if (weight[a] != weight[b]) {
            return weight[a] > weight[b];
        }
        return candidates.get(a).key().compareTo(candidates.get(b).key()) < 0;
    }

    /** Candidate indexes, highest random weight first (ties, which need a hash collision, by key). */
    static List<Integer> rendezvousOrder(long anchor, List<EndpointView> candidates) {
        List<Integer> order = new ArrayList<>(candidates.size());
        long[] weight = new long[candidates.size()];
        for (int i = 0; i < weight.length; i++) {
            weight[i] = PrefixHashes.mix(
                    anchor ^ PrefixHashes.ofKey(candidates.get(i).key()));
            order.add(i);
        }
        order.sort((a, b) -> a.equals(b) ? 0 : ranksBefore(a, b, weight, candidates) ? -1 : 1);
        return order;
    }

    private static long load(EndpointView v) {
        if (v.metrics().isPresent() && !v.stale()) {
            return v.metrics().get().running() + v.metrics().get().waiting();
        }
        return v.outstanding();
    }
}
