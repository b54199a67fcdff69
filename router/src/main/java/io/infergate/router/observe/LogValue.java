package io.infergate.router.observe;

/**
 * Renders one value of a {@code key=value} log line so that no value can forge another field or
 * line (logfmt rules): a value made only of characters that never delimit ({@code A-Z a-z 0-9}
 * and {@code -._~:/@!$&'()*+,;%}) is written bare; anything else is written in double quotes with
 * {@code "} and {@code \} escaped and every control or non-ASCII character as {@code \\uXXXX}.
 * An empty or absent value is {@code -}. Values longer than {@link #MAX_CHARS} are cut and end in
 * {@code ...} inside the quotes (a client-chosen request id cannot make a 32 KiB line).
 */
final class LogValue {

    static final int MAX_CHARS = 256;
    private static final String SAFE = "-._~:/@!$&'()*+,;%";

    private LogValue() {}

    static String of(String s) {
        if (s == null || s.isEmpty()) {
            return "-";
        }
        if (s.length() <= MAX_CHARS && bare(s)) {
            return s;
        }
        boolean cut = s.length() > MAX_CHARS;
        String v = cut ? s.substring(0, MAX_CHARS) : s;
        StringBuilder b = new StringBuilder(v.length() + 8).append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c >= 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (cut) {
            b.append("...");
        }
        return b.append('"').toString();
    }

    private static boolean bare(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok =
                    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || SAFE.indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
