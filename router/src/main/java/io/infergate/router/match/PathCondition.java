package io.infergate.router.match;

import java.util.regex.Pattern;

/**
 * A compiled path condition. Paths are compared raw (percent-encoded, as sent), without the query.
 */
public sealed interface PathCondition {

    /** Whether the path satisfies the condition. */
    boolean test(String path);

    /** The value as configured (for precedence by length and for prefix rewrites). */
    String value();

    /** Case-sensitive equality: {@code /abc} does not match {@code /abc/}. */
    record Exact(String value) implements PathCondition {
        @Override
        public boolean test(String path) {
            return path.equals(value);
        }
    }

    /**
     * Element-wise prefix: {@code /v2} matches {@code /v2}, {@code /v2/} and {@code /v2/x}, never
     * {@code /v2x}. A trailing slash on the configured prefix is ignored ({@code /v2/} behaves
     * like {@code /v2}), so {@code stem} is the prefix without it ({@code ""} for {@code /}).
     */
    record Prefix(String value, String stem) implements PathCondition {
        /** Compiles a configured prefix. */
        public static Prefix of(String value) {
            String stem = value;
            while (stem.endsWith("/")) {
                stem = stem.substring(0, stem.length() - 1);
            }
            return new Prefix(value, stem);
        }

        @Override
        public boolean test(String path) {
            if (!path.startsWith(stem)) {
                return false;
            }
            return path.length() == stem.length() || path.charAt(stem.length()) == '/';
        }
    }

    /**
     * A Java regular expression ({@link java.util.regex.Pattern} dialect) that must match the
     * whole path.
     */
    record Regex(String value, Pattern pattern) implements PathCondition {
        /** Compiles a pattern; it was validated before compilation. */
        public static Regex of(String value) {
            return new Regex(value, Pattern.compile(value));
        }

        @Override
        public boolean test(String path) {
            return pattern.matcher(path).matches();
        }
    }
}
