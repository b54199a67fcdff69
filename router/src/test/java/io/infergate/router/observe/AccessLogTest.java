package io.infergate.router.observe;

import org.junit.jupiter.api.Test;

import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The access log writes every queued line, one per request, and never the query string or headers. */
class AccessLogTest {

    @Test
    void writesOneLinePerRequestAndFlushesOnClose() {
        StringWriter out = new StringWriter();
        AccessLog log = new AccessLog(out);
        for (int i = 0; i < 3; i++) {
            log.log(new AccessLog.Entry(
                    "rid-" + i,
                    "POST",
                    "example.com",
                    "/v1/completions",
                    "httproute/default/r/rule/0",
                    "10.0.0.1:8000",
                    200,
                    12,
                    i == 2 ? -1 : 5));
        }
        log.close();
        String[] lines = out.toString().split("\n");
        assertEquals(3, lines.length, out.toString());
        assertTrue(
                lines[0].contains(
                        " ACCESS rid=rid-0 method=POST host=example.com path=/v1/completions"
                                + " rule=httproute/default/r/rule/0 endpoint=10.0.0.1:8000 status=200 duration_ms=12 ttfb_ms=5"),
                lines[0]);
        assertTrue(lines[2].endsWith("ttfb_ms=-"), lines[2]);
        assertEquals(0, log.dropped());
    }

    @Test
    void authenticatedTenantEndsTheLine() {
        StringWriter out = new StringWriter();
        AccessLog log = new AccessLog(out);
        log.log(new AccessLog.Entry("r", "POST", "h", "/v1", "rule", "e", 200, 3, 2, "team a"));
        log.close();
        assertTrue(out.toString().strip().endsWith("ttfb_ms=2 tenant=\"team a\""), out.toString());
    }

    @Test
    void emptyFieldsAreDashes() {
        StringWriter out = new StringWriter();
        AccessLog log = new AccessLog(out);
        log.log(new AccessLog.Entry("r", "GET", "", "/x", "", null, 404, 1, -1));
        log.close();
        assertTrue(out.toString().contains("host=- path=/x rule=- endpoint=- status=404"), out.toString());
        assertFalse(out.toString().contains("null"));
    }

    /** Issue 16: a client-chosen request id could add fields (and lines) to the access log. */
    @Test
    void clientValuesCannotForgeFieldsOrLines() {
        StringWriter out = new StringWriter();
        AccessLog log = new AccessLog(out);
        log.log(new AccessLog.Entry("a status=200 path=/admin", "GET", "h\"x y", "/x\nforged=1", "r", "e", 404, 1, -1));
        log.close();
        String text = out.toString();
        assertEquals(1, text.split("\n").length, text);
        assertTrue(
                text.contains(
                        "rid=\"a status=200 path=/admin\" method=GET host=\"h\\\"x y\" path=\"/x\\u000aforged=1\" rule=r"),
                text);
        java.util.Map<String, String> fields = logfmt(text.strip());
        assertEquals("404", fields.get("status"), fields.toString());
        assertEquals("/x\\u000aforged=1", fields.get("path"), fields.toString());
        assertFalse(fields.containsKey("forged"), fields.toString());
    }

    @Test
    void longValuesAreCut() {
        StringWriter out = new StringWriter();
        AccessLog log = new AccessLog(out);
        log.log(new AccessLog.Entry("x".repeat(40_000), "GET", "h", "/", "r", "e", 200, 1, 1));
        log.close();
        assertTrue(out.toString().length() < 600, out.toString().length() + " chars");
        assertTrue(out.toString().contains("x...\""), out.toString());
    }

    /** Splits a logfmt line into fields (keys must be unique), honouring quotes and escapes. */
    private static java.util.Map<String, String> logfmt(String line) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        int i = line.indexOf(" ACCESS ") + 8;
        while (i < line.length()) {
            int eq = line.indexOf('=', i);
            String key = line.substring(i, eq);
            StringBuilder v = new StringBuilder();
            int j = eq + 1;
            if (j < line.length() && line.charAt(j) == '"') {
                for (j++; line.charAt(j) != '"'; j++) {
                    if (line.charAt(j) == '\\') {
                        v.append(line.charAt(j++));
                    }
                    v.append(line.charAt(j));
                }
                j++;
            } else {
                while (j < line.length() && line.charAt(j) != ' ') {
                    v.append(line.charAt(j++));
                }
            }
            assertFalse(out.containsKey(key), "duplicate field " + key + " in " + line);
            out.put(key, v.toString());
            i = j + 1;
        }
        return out;
    }
}
