package io.infergate.router.scrape;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The incremental reply reader, fed whole and split at every byte. */
class HttpReplyTest {

    private static final String CHUNKED = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + "5;x=y\r\nvllm:\r\n"
            + "1a\r\nnum_requests_running 3 é\n\r\n" + "0\r\nX-Trailer: 1\r\n\r\n";

    private static String body(HttpReply r) {
        return new String(r.body(), 0, r.bodyLength(), StandardCharsets.UTF_8);
    }

    /** Feeds {@code text} in pieces of {@code step} bytes; true when the reply completed. */
    private static boolean feed(HttpReply r, String text, int step) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        boolean done = false;
        for (int i = 0; i < bytes.length; i += step) {
            assertFalse(done, "complete before its last byte");
            ByteBuffer b = ByteBuffer.wrap(bytes, i, Math.min(step, bytes.length - i));
            done = r.feed(b);
            assertFalse(b.hasRemaining(), "bytes of the reply left unread");
        }
        return done;
    }

    @Test
    void contentLengthReplyAtEverySplit() throws IOException {
        String text = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\ncontent-LENGTH: 12 \r\n\r\nvllm:x 1.0\n\n";
        HttpReply r = new HttpReply();
        for (int step = 1; step <= text.length(); step++) {
            r.reset();
            assertTrue(feed(r, text, step), "step " + step);
            assertEquals(200, r.status());
            assertEquals("vllm:x 1.0\n\n", body(r));
            assertTrue(r.keepAlive());
        }
    }

    @Test
    void chunkedWithExtensionsAndTrailersAtEverySplit() throws IOException {
        HttpReply r = new HttpReply();
        for (int step = 1; step <= CHUNKED.length(); step++) {
            r.reset();
            assertTrue(feed(r, CHUNKED, step), "step " + step);
            assertEquals("vllm:num_requests_running 3 é\n", body(r));
            assertTrue(r.keepAlive());
        }
    }

    @Test
    void aBodyUntilTheEndOfTheConnection() throws IOException {
        HttpReply r = new HttpReply();
        r.reset();
        assertFalse(feed(r, "HTTP/1.0 200 OK\r\n\r\nold style", 4));
        assertTrue(r.endOfStream());
        assertEquals("old style", body(r));
        assertFalse(r.keepAlive());
    }

    @Test
    void connectionHeadersDecideKeepAlive() throws IOException {
        HttpReply r = new HttpReply();
        r.reset();
        assertTrue(feed(r, "HTTP/1.1 503 Busy\r\nConnection: close\r\nContent-Length: 4\r\n\r\nbusy", 100));
        assertEquals(503, r.status());
        assertFalse(r.keepAlive());
        r.reset();
        assertTrue(feed(r, "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n", 100));
        assertTrue(r.keepAlive());
    }

    @Test
    void aReplyCutShortIsNotComplete() throws IOException {
        HttpReply r = new HttpReply();
        r.reset();
        assertFalse(r.started());
        assertFalse(feed(r, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 100));
        assertTrue(r.started());
        assertFalse(r.endOfStream(), "a Content-Length body cut by the close");
    }

    @Test
    void garbageAndOversizedRepliesAreErrors() {
        HttpReply r = new HttpReply();
        r.reset();
        assertEquals(
                "not an HTTP/1.x response: SSH-2.0-OpenSSH",
                assertThrows(IOException.class, () -> feed(r, "SSH-2.0-OpenSSH\r\n\r\n", 100))
                        .getMessage());
        r.reset();
        assertTrue(assertThrows(
                        IOException.class,
                        () -> feed(
                                r, "HTTP/1.1 200 OK\r\nContent-Length: " + (HttpReply.MAX_BODY + 1) + "\r\n\r\n", 100))
                .getMessage()
                .contains("exceeds"));
        r.reset();
        assertTrue(assertThrows(
                        IOException.class,
                        () -> feed(r, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 100))
                .getMessage()
                .startsWith("bad chunk size"));
        r.reset();
        assertTrue(assertThrows(IOException.class, () -> feed(r, "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 100))
                .getMessage()
                .startsWith("bad Content-Length"));
        r.reset();
        String endless = "HTTP/1.1 200 OK\r\nX: " + "a".repeat(HttpReply.MAX_HEAD) + "\r\n\r\n";
        assertTrue(assertThrows(IOException.class, () -> feed(r, endless, 4096))
                .getMessage()
                .contains("exceed"));
    }

    @Test
    void theBufferIsReusedAcrossReplies() throws IOException {
        HttpReply r = new HttpReply();
        r.reset();
        assertTrue(feed(r, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none", 100));
        byte[] first = r.body();
        r.reset();
        assertTrue(feed(r, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo", 100));
        assertEquals("two", body(r));
        assertSame(first, r.body(), "no new body buffer for a reply that fits");
    }
}
