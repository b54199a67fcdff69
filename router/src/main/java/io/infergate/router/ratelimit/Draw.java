package io.infergate.router.ratelimit;

import java.util.Objects;

/**
 * One count a request takes from one limit's window: all draws of a request are taken together
 * or not at all.
 *
 * @param key          the counter, window included ({@link Quotas#key})
 * @param kind         tokens or requests (for the response headers)
 * @param limit        the most the window may hold
 * @param cost         what this request takes now
 * @param windowMillis the window's length, which is also how long its counter lives
 * @param resetMillis  milliseconds from now until the window ends
 */
public record Draw(String key, Kind kind, long limit, long cost, long windowMillis, long resetMillis) {
    public Draw {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(kind, "kind");
        if (cost < 0 || limit < 1 || windowMillis < 1) {
            throw new IllegalArgumentException("a draw needs cost >= 0, limit >= 1 and a window");
        }
    }

    /** What a draw counts. */
    public enum Kind {
        TOKENS,
        REQUESTS
    }
}
