package io.infergate.common.snapshot;

/**
 * A header or query-parameter condition.
 *
 * @param type  EXACT (value equality) or REGULAR_EXPRESSION (Java regex, full match)
 * @param name  the header name (compared case-insensitively) or query parameter name (exact)
 * @param value the value or pattern
 */
public record ValueMatch(Type type, String name, String value) {
    /** Value match kinds of the Gateway API. */
    public enum Type {
        EXACT,
        REGULAR_EXPRESSION
    }
}
