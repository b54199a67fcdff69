package io.infergate.common.snapshot;

/**
 * A path condition.
 *
 * <p>EXACT compares the whole path case-sensitively. PATH_PREFIX compares element-wise: {@code /v2}
 * matches {@code /v2}, {@code /v2/} and {@code /v2/x}, never {@code /v2x}. REGULAR_EXPRESSION is a
 * Java regex that must match the whole path. The query string is never part of the path.
 */
public record PathMatch(Type type, String value) {
    /** Path match kinds of the Gateway API. */
    public enum Type {
        EXACT,
        PATH_PREFIX,
        REGULAR_EXPRESSION
    }
}
