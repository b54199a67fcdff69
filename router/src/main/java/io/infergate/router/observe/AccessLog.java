package io.infergate.router.observe;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One INFO line per public request on the JUL logger {@code io.infergate.router.access}:
 * {@code rid=… method=… host=… path=… rule=… endpoint=… status=… duration_ms=… ttfb_ms=…}.
 * The path is logged without its query string, and bodies and headers are never logged: they
 * can carry prompts and credentials.
 */
public final class AccessLog {

    private static final Logger LOG = Logger.getLogger("io.infergate.router.access");

    /**
     * One finished request.
     *
     * @param ttfbMillis milliseconds to the upstream's response headers, or -1 without an upstream
     */
    public record Entry(String requestId, String method, String host, String path, String rule, String endpoint,
                        int status, long durationMillis, long ttfbMillis) {
        String line() {
            return "rid=" + requestId + " method=" + method + " host=" + dash(host) + " path=" + path
                    + " rule=" + dash(rule) + " endpoint=" + dash(endpoint) + " status=" + status
                    + " duration_ms=" + durationMillis + " ttfb_ms=" + (ttfbMillis < 0 ? "-" : Long.toString(ttfbMillis));
        }

        private static String dash(String s) {
            return s == null || s.isEmpty() ? "-" : s;
        }
    }

    /** Writes the line when INFO is enabled for the access logger. */
    public void log(Entry entry) {
        if (LOG.isLoggable(Level.INFO)) {
            LOG.info(entry.line());
        }
    }
}
