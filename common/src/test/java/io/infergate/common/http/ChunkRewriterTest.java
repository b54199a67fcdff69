package io.infergate.common.http;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What Helidon's parser gets for a client's bytes, however the socket splits them: each case is
 * fed whole, byte by byte, and in seeded random splits, and must give the same output.
 */
class ChunkRewriterTest {

    private static final String CHUNKED = "POST /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
    private static final String NEXT = "GET /next HTTP/1.1\r\nHost: h\r\n\r\n";

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("no body: unchanged", NEXT + NEXT, NEXT + NEXT),
                Arguments.of(
                        "content-length body that looks like chunks: unchanged",
                        "POST /a HTTP/1.1\r\nContent-Length: 12\r\n\r\n5;a=b\r\nhello" + NEXT,
                        "POST /a HTTP/1.1\r\nContent-Length: 12\r\n\r\n5;a=b\r\nhello" + NEXT),
                Arguments.of(
                        "plain chunks: unchanged",
                        CHUNKED + "5\r\nhello\r\n0\r\n\r\n" + NEXT,
                        CHUNKED + "5\r\nhello\r\n0\r\n\r\n" + NEXT),
                Arguments.of(
                        "extensions removed, data kept even when it looks like a size line",
                        CHUNKED + "7;a=b\r\n1;x=y\r\n\r\n0;last\r\n\r\n" + NEXT,
                        CHUNKED + "7\r\n1;x=y\r\n\r\n0\r\n\r\n" + NEXT),
                Arguments.of(
                        "quoted extension value with an escaped quote and a semicolon",
                        CHUNKED + "2 ; q = \"a\\\";b\" ;t\r\nab\r\n0\r\n\r\n",
                        CHUNKED + "2\r\nab\r\n0\r\n\r\n"),
                Arguments.of(
                        "trailers dropped",
                        CHUNKED + "2\r\nab\r\n0\r\nX-A: 1\r\nX-B:\r\n\r\n" + NEXT,
                        CHUNKED + "2\r\nab\r\n0\r\n\r\n" + NEXT),
                Arguments.of(
                        "header names are case-insensitive",
                        "POST /a HTTP/1.1\r\ntransfer-ENCODING: chunked\r\n\r\n2;x\r\nab\r\n0\r\n\r\n",
                        "POST /a HTTP/1.1\r\ntransfer-ENCODING: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n"),
                Arguments.of(
                        "invalid extension: passed on unchanged from there",
                        CHUNKED + "2;=b\r\nab\r\n0;a\r\n\r\n",
                        CHUNKED + "2;=b\r\nab\r\n0;a\r\n\r\n"),
                Arguments.of(
                        "chunk data not followed by CRLF: an invalid size line follows",
                        CHUNKED + "2\r\nabcd\r\n0\r\n\r\n",
                        CHUNKED + "2\r\nabcdinvalid-chunk-framing\r\n\r\n0\r\n\r\n"),
                Arguments.of(
                        "invalid trailer line: passed on, so the parser sees a non-empty line",
                        CHUNKED + "2\r\nab\r\n0\r\nX-A: 1\r\nno colon\r\n\r\n",
                        CHUNKED + "2\r\nab\r\n0\r\nno colon\r\n\r\n"),
                Arguments.of(
                        "both Content-Length and Transfer-Encoding: unchanged",
                        "POST /a HTTP/1.1\r\nContent-Length: 9\r\nTransfer-Encoding: chunked\r\n\r\n2;x\r\nab\r\n0\r\n\r\n",
                        "POST /a HTTP/1.1\r\nContent-Length: 9\r\nTransfer-Encoding: chunked\r\n\r\n2;x\r\nab\r\n0\r\n\r\n"),
                Arguments.of(
                        "a bare LF in the head: unchanged",
                        "POST /a HTTP/1.1\nTransfer-Encoding: chunked\r\n\r\n2;x\r\nab\r\n0\r\n\r\n",
                        "POST /a HTTP/1.1\nTransfer-Encoding: chunked\r\n\r\n2;x\r\nab\r\n0\r\n\r\n"),
                Arguments.of(
                        "folded header: unchanged",
                        "POST /a HTTP/1.1\r\nX: a\r\n b\r\nTransfer-Encoding: chunked\r\n\r\n2;x\r\nab\r\n0\r\n\r\n",
                        "POST /a HTTP/1.1\r\nX: a\r\n b\r\nTransfer-Encoding: chunked\r\n\r\n2;x\r\nab\r\n0\r\n\r\n"),
                Arguments.of("size over an int: unchanged", CHUNKED + "80000000;x\r\nab", CHUNKED + "80000000;x\r\nab"),
                Arguments.of(
                        "two requests, the second chunked with extensions",
                        "POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc" + CHUNKED + "1;e\r\nz\r\n0\r\nT: v\r\n\r\n",
                        "POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc" + CHUNKED + "1\r\nz\r\n0\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rewritesTheSameHoweverTheBytesAreSplit(String name, String in, String expected) {
        byte[] bytes = in.getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(expected, feed(bytes, new int[] {bytes.length}), "whole");
        int[] ones = new int[bytes.length];
        java.util.Arrays.fill(ones, 1);
        assertEquals(expected, feed(bytes, ones), "byte by byte");
        Random random = new Random(name.hashCode());
        for (int round = 0; round < 50; round++) {
            int[] sizes = new int[bytes.length];
            int n = 0;
            for (int left = bytes.length; left > 0; ) {
                int size = 1 + random.nextInt(Math.min(left, 40));
                sizes[n++] = size;
                left -= size;
            }
            assertEquals(expected, feed(bytes, java.util.Arrays.copyOf(sizes, n)), "split round " + round);
        }
    }

    private static String feed(byte[] bytes, int[] sizes) {
        ChunkRewriter r = new ChunkRewriter();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int p = 0;
        for (int size : sizes) {
            byte[] part = java.util.Arrays.copyOfRange(bytes, p, p + size);
            p += size;
            out.writeBytes(r.rewrite(part));
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
