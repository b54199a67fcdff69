package io.infergate.router.ratelimit;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What rate limiting decided for one request. */
public sealed interface Decision {

    /** No limit of the policy applies to the request. */
    record Unlimited() implements Decision {}

    /**
     * Counted and admitted; {@code headers} go on the response, {@code reservation} is settled
     * when the request ends.
     */
    record Admitted(Reservation reservation, Map<String, String> headers) implements Decision {
        public Admitted {
            headers = Map.copyOf(headers);
        }
    }

    /**
     * Over a limit: 429 with {@code Retry-After}.
     *
     * @param kind    the limit that refused it
     * @param message names the limit and the window, never the tenant's credential
     */
    record Limited(Draw.Kind kind, Duration retryAfter, Map<String, String> headers, String message)
            implements Decision {
        public Limited {
            headers = Map.copyOf(headers);
        }
    }

    /** The store did not answer and the policy fails closed: 503. */
    record Unavailable(String message) implements Decision {}

    /**
     * What a request took from token limits, to be corrected by the usage the server reports.
     *
     * @param tokens each token draw taken: where, its counter base and window, what it took
     */
    record Reservation(List<Taken> tokens) {
        public Reservation {
            tokens = List.copyOf(tokens);
        }

        /** Nothing to settle. */
        public static final Reservation NONE = new Reservation(List.of());

        /**
         * One token draw that was taken.
         *
         * @param ledger where it was counted
         * @param base   the counter's key without its window
         * @param key    the window's counter it was taken from
         */
        public record Taken(Ledger ledger, String base, String key, long windowMillis, long cost) {}
    }

    /** {@code 12ms}, {@code 1s}, {@code 6m0s}: OpenAI's duration format for {@code x-ratelimit-reset-*}. */
    static String openAiDuration(long millis) {
        if (millis < 1000) {
            return millis + "ms";
        }
        long seconds = (millis + 999) / 1000;
        long h = seconds / 3600;
        long m = seconds % 3600 / 60;
        long s = seconds % 60;
        return (h > 0 ? h + "h" : "") + (h > 0 || m > 0 ? m + "m" : "") + s + "s";
    }
}
