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
            log.log(new AccessLog.Entry("rid-" + i, "POST", "example.com", "/v1/completions", "httproute/default/r/rule/0",
                    "10.0.0.1:8000", 200, 12, i == 2 ? -1 : 5));
        }
        log.close();
        String[] lines = out.toString().split("\n");
        assertEquals(3, lines.length, out.toString());
        assertTrue(lines[0].contains(" ACCESS rid=rid-0 method=POST host=example.com path=/v1/completions"
                + " rule=httproute/default/r/rule/0 endpoint=10.0.0.1:8000 status=200 duration_ms=12 ttfb_ms=5"), lines[0]);
        assertTrue(lines[2].endsWith("ttfb_ms=-"), lines[2]);
        assertEquals(0, log.dropped());
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
}
