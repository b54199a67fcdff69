package io.infergate.bench.loadgen;

/**
 * Classifies the lines of an OpenAI server-sent-event stream. Only {@code data:} lines matter; an
 * event is <em>content</em> when its first choice carries text ({@code "text":"…"} of a completion
 * or {@code "content":"…"} of a chat delta, non-empty): TTFT ends at the first content event and the
 * inter-token gaps are between content events. A usage-only or role-only chunk is not content.
 * The check is textual on purpose (no JSON parse per token in the load generator): the servers
 * write compact JSON, and a string value that merely contains {@code "text":"} is escaped.
 */
public final class Sse {

    /** What a line is. */
    public enum Kind {
        CONTENT,
        DONE,
        OTHER_DATA,
        NOT_DATA
    }

    private Sse() {}

    public static Kind classify(String line) {
        if (!line.startsWith("data:")) {
            return Kind.NOT_DATA;
        }
        String data = line.substring(5).strip();
        if (data.equals("[DONE]")) {
            return Kind.DONE;
        }
        return hasText(data, "\"text\":\"") || hasText(data, "\"content\":\"") ? Kind.CONTENT : Kind.OTHER_DATA;
    }

    private static boolean hasText(String data, String key) {
        int i = data.indexOf(key);
        return i >= 0 && i + key.length() < data.length() && data.charAt(i + key.length()) != '"';
    }

    /** The integer after the first {@code "name":} in {@code line}, -1 when absent (textual, as above). */
    public static int intField(String line, String name) {
        String key = "\"" + name + "\":";
        int i = line.indexOf(key);
        if (i < 0) {
            return -1;
        }
        int j = i + key.length();
        while (j < line.length() && line.charAt(j) == ' ') {
            j++;
        }
        int k = j;
        while (k < line.length() && Character.isDigit(line.charAt(k))) {
            k++;
        }
        return k == j ? -1 : Integer.parseInt(line.substring(j, Math.min(k, j + 9)));
    }
}
