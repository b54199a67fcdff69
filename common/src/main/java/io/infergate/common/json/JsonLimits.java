package io.infergate.common.json;

/**
 * Bounds on JSON that comes from the network, checked before any parser builds objects from it.
 *
 * <p>Nesting depth: JSON-P builds nested values recursively and Parsson stops at depth 1000 with a
 * bare {@code RuntimeException}, which surfaced as a 500 with a stack trace per request. The depth
 * is counted here in one pass over the bytes (brackets outside strings; every structural character
 * is ASCII, so UTF-8 needs no decoding), and a text nested deeper than the bound is refused before
 * parsing. Size is bounded where the bytes are read (request body and snapshot limits, 413).
 */
public final class JsonLimits {

    /**
     * Deepest nesting accepted in a request body: OpenAI bodies nest about 5 levels plus 2 per
     * level of a tool's JSON Schema, so 128 leaves room for 60 schema levels.
     */
    public static final int MAX_REQUEST_DEPTH = 128;
    /** Deepest nesting accepted in a snapshot; the schema itself nests 7 levels. */
    public static final int MAX_SNAPSHOT_DEPTH = 32;

    private JsonLimits() {}

    /** Whether the UTF-8 JSON text in {@code bytes[offset, offset+length)} nests deeper than {@code maxDepth}. */
    public static boolean tooDeep(byte[] bytes, int offset, int length, int maxDepth) {
        int depth = 0;
        boolean inString = false;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            byte b = bytes[i];
            if (inString) {
                if (b == '\\') {
                    i++; // the escaped character cannot end the string
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b == '"') {
                inString = true;
            } else if (b == '{' || b == '[') {
                if (++depth > maxDepth) {
                    return true;
                }
            } else if ((b == '}' || b == ']') && depth > 0) {
                depth--;
            }
        }
        return false;
    }

    /** Whether the UTF-8 JSON text nests deeper than {@code maxDepth}. */
    public static boolean tooDeep(byte[] bytes, int maxDepth) {
        return tooDeep(bytes, 0, bytes.length, maxDepth);
    }

    /** Whether the JSON text nests deeper than {@code maxDepth}. */
    public static boolean tooDeep(CharSequence text, int maxDepth) {
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                if (++depth > maxDepth) {
                    return true;
                }
            } else if ((c == '}' || c == ']') && depth > 0) {
                depth--;
            }
        }
        return false;
    }

    /** The message every refusal uses. */
    public static String tooDeepMessage(int maxDepth) {
        return "JSON nested deeper than " + maxDepth + " levels";
    }
}
