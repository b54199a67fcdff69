package io.infergate.router.match;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A compiled header or query-parameter condition. A request that repeats the header or parameter
 * satisfies the condition when any one of its values does (the Gateway API leaves repeated values
 * to implementations).
 */
public sealed interface ValueCondition {

    /** The header name (compared case-insensitively by the lookup) or parameter name (exact). */
    String name();

    /** Whether one of the values satisfies the condition; false when there are none. */
    boolean test(List<String> values);

    /** Value equality, case-sensitive. */
    record Exact(String name, String value) implements ValueCondition {
        @Override
        public boolean test(List<String> values) {
            return values.contains(value);
        }
    }

    /** A Java regular expression that must match the whole value. */
    record Regex(String name, Pattern pattern) implements ValueCondition {
        @Override
        public boolean test(List<String> values) {
            for (String v : values) {
                if (pattern.matcher(v).matches()) {
                    return true;
                }
            }
            return false;
        }
    }
}
