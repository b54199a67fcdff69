package io.infergate.router.ratelimit;

import io.infergate.common.snapshot.RateLimitPolicy;

import java.util.ArrayList;
import java.util.List;

/**
 * Which counts a request takes under a policy. Pure: values in, draws out.
 *
 * <p>Rules: a limit applies when its {@code tenants} is empty or holds the request's tenant, and
 * its {@code models} is empty or holds the request's model; it is counted per tenant (and per
 * model when it names models) in fixed windows of its unit, aligned to the epoch, so every router
 * computes the same window from its own clock (router clocks are assumed NTP-synchronised; a skew
 * of a few milliseconds moves a request across a window edge, nothing more). A token limit takes
 * the prompt estimate plus the completion reservation now, and is settled from usage later; a
 * request limit takes 1.
 */
public final class Quotas {
    private static final String PREFIX = "infergate:rl:";

    private Quotas() {}

    /**
     * One draw with the limit it came from, split by where it is counted.
     *
     * @param scope where the draw is counted
     * @param base  the counter's key without its window ({@link #key})
     */
    public record Planned(RateLimitPolicy.Scope scope, String base, Draw draw) {}

    /**
     * The draws of one request.
     *
     * @param tokens     prompt estimate + completion reservation
     * @param nowMillis  the wall clock, ms since the epoch
     */
    public static List<Planned> plan(RateLimitPolicy policy, String tenant, String model, long tokens, long nowMillis) {
        List<Planned> out = new ArrayList<>();
        for (int i = 0; i < policy.limits().size(); i++) {
            RateLimitPolicy.Limit l = policy.limits().get(i);
            if (!l.tenants().isEmpty() && !l.tenants().contains(tenant)) {
                continue;
            }
            if (!l.models().isEmpty() && !l.models().contains(model)) {
                continue;
            }
            long window = l.unit().length().toMillis();
            long reset = window - Math.floorMod(nowMillis, window);
            String base = PREFIX + policy.id() + "/limit/" + i + "|" + tenant
                    + (l.models().isEmpty() ? "" : "|" + model);
            if (l.tokens() > 0) {
                String b = base + "|t";
                out.add(new Planned(
                        l.scope(),
                        b,
                        new Draw(key(b, window, nowMillis), Draw.Kind.TOKENS, l.tokens(), tokens, window, reset)));
            }
            if (l.requests() > 0) {
                String b = base + "|r";
                out.add(new Planned(
                        l.scope(),
                        b,
                        new Draw(key(b, window, nowMillis), Draw.Kind.REQUESTS, l.requests(), 1, window, reset)));
            }
        }
        return out;
    }

    /** The counter of {@code base} in the window holding {@code nowMillis}: {@code base:<window index>}. */
    public static String key(String base, long windowMillis, long nowMillis) {
        return base + ":" + Math.floorDiv(nowMillis, windowMillis);
    }

    /**
     * The tokens a request takes before it is proxied: its prompt estimated at one token per four
     * characters (rounded up; the settlement replaces it with the server's count), plus the
     * completion it may produce ({@code max_tokens} or {@code max_completion_tokens}, 0 when the
     * request sets neither).
     */
    public static long reservation(String promptText, long maxTokens) {
        long prompt = (promptText.length() + 3L) / 4;
        return prompt + Math.max(0, maxTokens);
    }
}
