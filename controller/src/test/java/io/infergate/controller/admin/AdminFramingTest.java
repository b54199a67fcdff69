package io.infergate.controller.admin;

import io.infergate.controller.status.StatusPlan;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Issue 16: the controller's admin socket follows the same HTTP/1.1 framing rules as the router's
 * listeners: an invalid request line is 400 (not 500), HTTP/1.0 is 505 with a JSON body, and
 * nothing after an answer that closes the connection is read as a request. (Known gap, ADR 0011:
 * a chunked body with broken framing sent to a path no route serves is drained by Helidon's own
 * error handling, which waits for bytes that never come; the admin socket serves GETs only.)
 */
class AdminFramingTest {

    private static AdminServer admin;

    @BeforeAll
    static void start() {
        AdminView view = new AdminView(StatusPlan.empty(), "sha256:0", 1, "{}", List.of(), true);
        admin = AdminServer.start("127.0.0.1", 0, () -> view);
    }

    @AfterAll
    static void stop() {
        admin.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "method token|G@T /status HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n|400",
                "empty method| /status HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n|400",
                "HTTP/1.0|GET /status HTTP/1.0\\r\\n\\r\\n|505",
                "client close|GET /status HTTP/1.1\\r\\nHost: a\\r\\nConnection: close\\r\\n\\r\\n|200",
            })
    void oneAnswerThenClose(String reason, String request, String status) throws IOException {
        String raw = request.replace("\\r", "\r").replace("\\n", "\n");
        List<Integer> statuses = new ArrayList<>();
        String text;
        try (Socket s = new Socket("127.0.0.1", admin.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream()
                    .write((raw + "GET /snapshot HTTP/1.1\r\nHost: a\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            text = new String(readAll(s.getInputStream()), StandardCharsets.ISO_8859_1);
        }
        Matcher m = Pattern.compile("HTTP/1\\.1 (\\d{3}) ").matcher(text);
        while (m.find()) {
            statuses.add(Integer.parseInt(m.group(1)));
        }
        assertEquals(1, statuses.size(), text);
        assertEquals(status, String.valueOf(statuses.getFirst()).substring(0, status.length()), text);
        assertFalse(statuses.getFirst() != 200 && !text.contains("\"error\""), text);
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] b = new byte[4096];
        try {
            for (int n; (n = in.read(b)) >= 0; ) {
                out.write(b, 0, n);
            }
        } catch (SocketException e) {
            // reset after the last answer
        }
        return out.toByteArray();
    }
}
