package io.infergate.router.ratelimit;

import io.infergate.common.snapshot.RateLimitPolicy;
import io.infergate.common.snapshot.Snapshot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Applies the served snapshot's RateLimitPolicies (docs/adr/0026-token-rate-limits.md).
 *
 * <p>Rules: an HTTPRoute's policy overrides its Gateway's. Before proxying, every limit that
 * applies takes its draw: local draws first (no I/O), then the global ones in one Redis call; if
 * any refuses, whatever was taken is given back and the request gets 429. When Redis cannot
 * answer (or none is configured) the policy's failure mode decides: {@code OPEN} admits with only
 * the local draws, {@code CLOSED} refuses with 503. After the response, {@link #settle} replaces
 * the token reservation by the tokens the server reported, so the limit holds on prompt plus
 * completion tokens.
 */
public final class RateLimiter implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RateLimiter.class.getName());

    private final LocalLedger local;
    private final Optional<RedisLedger> redis;
    private final LongSupplier clockMillis;
    private final Outcomes outcomes;
    private final AtomicReference<Compiled> compiled = new AtomicReference<>(new Compiled(null, Map.of()));

    private record Compiled(Snapshot snapshot, Map<String, RateLimitPolicy> byTarget) {}

    /** Where decisions and store failures are counted (metrics). */
    public interface Outcomes {
        /** A decision: {@code admitted}, {@code limited}, {@code failed_open}, {@code failed_closed}. */
        void decided(String outcome);

        /** A Redis call failed. */
        void storeFailed();

        /** Counts nothing (tests). */
        Outcomes NONE = new Outcomes() {
            @Override
            public void decided(String outcome) {}

            @Override
            public void storeFailed() {}
        };
    }

    /**
     * @param settings    where Redis is, if anywhere
     * @param clockMillis the wall clock (windows are aligned to the epoch)
     * @param nanoTime    a monotonic clock (the Redis retry interval)
     */
    public RateLimiter(RateLimitSettings settings, LongSupplier clockMillis, LongSupplier nanoTime, Outcomes outcomes) {
        this.local = new LocalLedger(clockMillis);
        this.clockMillis = clockMillis;
        this.outcomes = outcomes;
        this.redis = settings.redis().map(a -> new RedisLedger(settings, nanoTime, outcomes::storeFailed));
    }

    /** The policy for a request matched to {@code routeId} on a listener of {@code gatewayId}: the route's, else the Gateway's. */
    @SuppressWarnings("ReferenceEquality") // identity on purpose: a swap installs a new Snapshot object
    public Optional<RateLimitPolicy> find(Snapshot snapshot, String routeId, String gatewayId) {
        if (snapshot.rateLimitPolicies().isEmpty()) {
            return Optional.empty();
        }
        Compiled c = compiled.get();
        if (c.snapshot() != snapshot) {
            Map<String, RateLimitPolicy> byTarget = new HashMap<>();
            for (RateLimitPolicy p : snapshot.rateLimitPolicies()) {
                p.targets().forEach(t -> byTarget.put(t, p));
            }
            c = new Compiled(snapshot, Map.copyOf(byTarget));
            compiled.set(c);
        }
        RateLimitPolicy p = c.byTarget().get(routeId);
        return Optional.ofNullable(p != null ? p : c.byTarget().get(gatewayId));
    }

    /**
     * Takes the request's draws under {@code policy}.
     *
     * @param tokens what the request may consume, {@link Quotas#reservation}
     */
    public Decision check(RateLimitPolicy policy, String tenant, String model, long tokens) {
        long now = clockMillis.getAsLong();
        List<Quotas.Planned> planned = Quotas.plan(policy, tenant, model, tokens, now);
        if (planned.isEmpty()) {
            return new Decision.Unlimited();
        }
        List<Quotas.Planned> locals = new ArrayList<>();
        List<Quotas.Planned> globals = new ArrayList<>();
        planned.forEach(p -> (p.scope() == RateLimitPolicy.Scope.LOCAL ? locals : globals).add(p));
        long[] used = new long[planned.size()];
        Ledger.Verdict localVerdict = local.take(draws(locals));
        if (localVerdict instanceof Ledger.Verdict.Refused r) {
            return limited(planned.indexOf(locals.get(r.index())), r.used(), planned);
        }
        fill(used, planned, locals, ((Ledger.Verdict.Taken) localVerdict).used());
        boolean globalTaken = false;
        if (!globals.isEmpty()) {
            try {
                Ledger.Verdict v = redis.orElseThrow(() -> new Ledger.Unavailable(
                                "no Redis address configured (router.rate-limits.redis-address)", null))
                        .take(draws(globals));
                if (v instanceof Ledger.Verdict.Refused r) {
                    giveBack(locals, local);
                    return limited(planned.indexOf(globals.get(r.index())), r.used(), planned);
                }
                fill(used, planned, globals, ((Ledger.Verdict.Taken) v).used());
                globalTaken = true;
            } catch (Ledger.Unavailable e) {
                if (redis.isEmpty()) {
                    outcomes.storeFailed(); // a global limit without a configured store: a failure every time
                }
                if (policy.failureMode() == RateLimitPolicy.FailureMode.CLOSED) {
                    giveBack(locals, local);
                    outcomes.decided("failed_closed");
                    return new Decision.Unavailable("the rate limit store is unavailable; retry later");
                }
                outcomes.decided("failed_open");
                for (Quotas.Planned g : globals) {
                    used[planned.indexOf(g)] = -1; // unknown: no header for it
                }
            }
        }
        List<Decision.Reservation.Taken> taken = new ArrayList<>();
        for (Quotas.Planned p : planned) {
            boolean isGlobal = p.scope() == RateLimitPolicy.Scope.GLOBAL;
            if (p.draw().kind() == Draw.Kind.TOKENS && (!isGlobal || globalTaken)) {
                taken.add(new Decision.Reservation.Taken(
                        isGlobal ? redis.orElseThrow() : local,
                        p.base(),
                        p.draw().key(),
                        p.draw().windowMillis(),
                        p.draw().cost()));
            }
        }
        if (globalTaken || globals.isEmpty()) {
            outcomes.decided("admitted");
        }
        return new Decision.Admitted(new Decision.Reservation(taken), headers(planned, used));
    }

    /**
     * Replaces a reservation by what the request consumed: a refund (or a charge, when it used
     * more than it reserved) on each token counter. A refund goes to the window the reservation was
     * taken from while that window lasts (a later window never pays for an earlier one); a charge
     * goes to the current window. A store failure here is logged, never surfaced to the client.
     */
    public void settle(Decision.Reservation reservation, long consumed) {
        long now = clockMillis.getAsLong();
        for (Decision.Reservation.Taken t : reservation.tokens()) {
            long delta = consumed - t.cost();
            if (delta == 0) {
                continue;
            }
            String current = Quotas.key(t.base(), t.windowMillis(), now);
            try {
                if (delta < 0 && current.equals(t.key())) {
                    t.ledger().adjust(t.key(), delta, 0);
                } else if (delta > 0) {
                    t.ledger().adjust(current, delta, t.windowMillis() - Math.floorMod(now, t.windowMillis()));
                }
            } catch (Ledger.Unavailable e) {
                LOG.log(Level.FINE, "settling a token reservation failed: " + e.getMessage());
            }
        }
    }

    private static List<Draw> draws(List<Quotas.Planned> planned) {
        return planned.stream().map(Quotas.Planned::draw).toList();
    }

    private static void fill(long[] used, List<Quotas.Planned> all, List<Quotas.Planned> part, List<Long> values) {
        for (int i = 0; i < part.size(); i++) {
            used[all.indexOf(part.get(i))] = values.get(i);
        }
    }

    private static void giveBack(List<Quotas.Planned> taken, Ledger ledger) {
        for (Quotas.Planned p : taken) {
            try {
                if (p.draw().cost() > 0) {
                    ledger.adjust(p.draw().key(), -p.draw().cost(), 0);
                }
            } catch (Ledger.Unavailable e) {
                LOG.log(Level.FINE, "giving back a draw failed: " + e.getMessage());
            }
        }
    }

    private Decision limited(int index, long used, List<Quotas.Planned> planned) {
        outcomes.decided("limited");
        Draw refused = planned.get(index).draw();
        long[] none = new long[planned.size()];
        java.util.Arrays.fill(none, -1);
        none[index] = used;
        Map<String, String> headers = new HashMap<>(headers(planned, none));
        long retrySeconds = Math.max(1, (refused.resetMillis() + 999) / 1000);
        headers.put("retry-after", Long.toString(retrySeconds));
        String what = refused.kind() == Draw.Kind.TOKENS ? "tokens" : "requests";
        String message = refused.cost() > refused.limit()
                ? "this request needs " + refused.cost()
                        + " tokens (prompt estimate plus max_tokens), more than the limit of " + refused.limit()
                        + " per " + window(refused.windowMillis()) + "; lower max_tokens"
                : "rate limit reached for " + what + ": " + used + " of " + refused.limit() + " per "
                        + window(refused.windowMillis()) + " used; retry after " + retrySeconds + " s";
        return new Decision.Limited(refused.kind(), Duration.ofSeconds(retrySeconds), headers, message);
    }

    private static String window(long millis) {
        for (RateLimitPolicy.Unit u : RateLimitPolicy.Unit.values()) {
            if (u.length().toMillis() == millis) {
                return u.name().toLowerCase(java.util.Locale.ROOT);
            }
        }
        return millis + " ms";
    }

    /**
     * OpenAI's rate-limit headers, for tokens and for requests: of the limits of each kind that
     * apply, the one with the least room left (unknown counts, from a store that did not answer,
     * are left out).
     */
    static Map<String, String> headers(List<Quotas.Planned> planned, long[] used) {
        Map<String, String> out = new HashMap<>();
        for (Draw.Kind kind : Draw.Kind.values()) {
            Draw tightest = null;
            long tightestLeft = Long.MAX_VALUE;
            for (int i = 0; i < planned.size(); i++) {
                Draw d = planned.get(i).draw();
                if (d.kind() != kind || used[i] < 0) {
                    continue;
                }
                long left = Math.max(0, d.limit() - used[i]);
                if (tightest == null || left < tightestLeft) {
                    tightest = d;
                    tightestLeft = left;
                }
            }
            if (tightest != null) {
                String suffix = kind == Draw.Kind.TOKENS ? "tokens" : "requests";
                out.put("x-ratelimit-limit-" + suffix, Long.toString(tightest.limit()));
                out.put("x-ratelimit-remaining-" + suffix, Long.toString(tightestLeft));
                out.put("x-ratelimit-reset-" + suffix, Decision.openAiDuration(tightest.resetMillis()));
            }
        }
        return out;
    }

    @Override
    public void close() {
        redis.ifPresent(RedisLedger::close);
    }
}
