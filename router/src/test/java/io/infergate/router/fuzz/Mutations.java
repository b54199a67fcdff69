package io.infergate.router.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A seeded generator of HTTP/1.1 requests, valid or with one mutation of the request line, the
 * headers, the body framing (Content-Length, chunked encoding, invalid chunk extensions and
 * trailers) or the JSON body (with valid framing: {@link #jsonMutated}); plus valid requests with
 * chunk extensions and trailers. Pure: the same seed gives the same bytes.
 */
final class Mutations {

    /** One generated request: its bytes, the path it names, and whether it was mutated (and how). */
    record Request(byte[] bytes, String path, String mutation, boolean json) {
        boolean valid() {
            return mutation.isEmpty();
        }

        /** Only the JSON body is mutated: the framing is valid, so the connection goes on. */
        boolean jsonOnly() {
            return mutation.startsWith("json-");
        }
    }

    static final String MODEL = "Qwen2.5-0.5B-Instruct";

    private final RandomGenerator random;

    Mutations(RandomGenerator random) {
        this.random = random;
    }

    /** A request to the echo route at {@code path}, mutated with probability {@code p}. */
    Request echo(String path, double p) {
        String body = random.nextInt(3) == 0 ? "" : "b".repeat(1 + random.nextInt(40));
        boolean chunked = !body.isEmpty() && random.nextBoolean();
        List<String> headers = new ArrayList<>(List.of("Host: fuzz.example", "User-Agent: fuzz"));
        String method = body.isEmpty() ? pick("GET", "DELETE", "OPTIONS") : pick("POST", "PUT", "PATCH");
        if (random.nextDouble() >= p) {
            return new Request(
                    serialize(method, path, "HTTP/1.1", headers, body, chunked, "0\r\n\r\n"), path, "", false);
        }
        return mutate(method, path, headers, body, chunked, false);
    }

    /** An OpenAI completion to the pool route, its JSON mutated with probability {@code p}. */
    Request completion(String path, double p) {
        if (random.nextDouble() >= p) {
            String json = json();
            List<String> headers = new ArrayList<>(List.of("Host: fuzz.example", "Content-Type: application/json"));
            return new Request(serialize("POST", path, "HTTP/1.1", headers, json, false, "0\r\n\r\n"), path, "", true);
        }
        if (random.nextInt(4) == 0) {
            List<String> headers = new ArrayList<>(List.of("Host: fuzz.example", "Content-Type: application/json"));
            return mutate("POST", path, headers, json(), random.nextBoolean(), true);
        }
        return jsonMutated(path);
    }

    private String json() {
        return "{\"model\":\"" + MODEL + "\",\"prompt\":\"hello " + random.nextInt(1000)
                + "\",\"max_tokens\":1,\"stream\":" + random.nextBoolean() + "}";
    }

    /**
     * A completion whose JSON body is mutated while its framing stays valid (Content-Length or
     * chunked, chosen at random): the router reads the whole body and answers it, and the
     * connection goes on. Deep nesting (arrays and objects, around the 128-level bound and far
     * beyond), truncation, flipped characters, huge numbers and strings, many or long keys, wrong
     * types and top-level values, bad escapes and raw bytes that are not UTF-8.
     */
    Request jsonMutated(String path) {
        String json = json();
        List<String> headers = new ArrayList<>(List.of("Host: fuzz.example", "Content-Type: application/json"));
        String kind = pick(
                "truncate",
                "flip",
                "deep",
                "deep-object",
                "deep-bound",
                "number",
                "big-number",
                "type",
                "top",
                "utf8",
                "escape",
                "dupkey",
                "huge-string",
                "many-keys",
                "long-key",
                "raw-bytes");
        byte[] body = switch (kind) {
            case "truncate" -> utf8(json.substring(0, random.nextInt(json.length())));
            case "flip" -> utf8(flip(json));
            case "deep" -> {
                int d = 100 + random.nextInt(big() ? 20_000 : 1_000);
                yield utf8("{\"model\":\"" + MODEL + "\",\"prompt\":" + "[".repeat(d)
                        + (random.nextBoolean() ? "]".repeat(d) : "") + "}");
            }
            case "deep-object" -> {
                int d = 100 + random.nextInt(big() ? 5_000 : 500);
                yield utf8("{\"model\":\"" + MODEL + "\",\"prompt\":\"x\",\"extra\":" + "{\"a\":".repeat(d) + "1"
                        + "}".repeat(d) + "}");
            }
            case "deep-bound" -> {
                int d = 126 + random.nextInt(5); // the request bound is 128 levels
                yield utf8("{\"model\":\"" + MODEL + "\",\"prompt\":\"x\",\"max_tokens\":1,\"extra\":"
                        + "[".repeat(d - 1) + "]".repeat(d - 1) + "}");
            }
            case "number" ->
                utf8(json.replace(
                        "\"max_tokens\":1",
                        "\"max_tokens\":"
                                + pick("1e999999", "-0", "99999999999999999999999", "1.5", "-1", "1e-999999")));
            case "big-number" ->
                utf8(json.replace(
                        pick("\"max_tokens\":1", "\"stream\":"),
                        pick("\"max_tokens\":", "\"temperature\":", "\"top_p\":") + "1"
                                + "0".repeat(1 + random.nextInt(big() ? 100_000 : 2_000))
                                + (random.nextBoolean() ? "" : "." + "9".repeat(random.nextInt(big() ? 50_000 : 2_000)))
                                + ",\"stream\":"));
            case "type" ->
                utf8(json.replace(
                        pick("\"" + MODEL + "\"", "\"hello", "true", "false"),
                        pick("1", "null", "[]", "{}", "true", "\"s\"")));
            case "top" -> utf8(pick("[]", "null", "1", "\"s\"", "", "{}", "{}{}", " ", "{\"model\":}"));
            case "utf8" ->
                utf8(json.replace("hello", pick("h\u00ffllo\u0000", "\ud83d\ude00", "\u2028\u2029", "\t\r\n")));
            case "escape" -> utf8(json.replace("hello", pick("\\ud800", "\\u12", "\\x41", "\\", "\\udc00\\ud800")));
            case "dupkey" ->
                utf8(json.replace("{", pick("{\"model\":\"other\",", "{\"prompt\":1,", "{\"stream\":\"x\",")));
            case "huge-string" ->
                utf8(json.replace(
                        "hello",
                        "h"
                                .repeat(
                                        big()
                                                ? (random.nextInt(8) == 0 ? 1 << 20 : 1 + random.nextInt(50_000))
                                                : 1 + random.nextInt(2_000))));
            case "many-keys" -> {
                StringBuilder b = new StringBuilder("{\"model\":\"" + MODEL + "\",\"prompt\":\"x\"");
                for (int k = random.nextInt(big() ? 20_000 : 200); k > 0; k--) {
                    b.append(",\"k").append(k).append("\":").append(k);
                }
                yield utf8(b.append('}').toString());
            }
            case "long-key" ->
                utf8(json.replace("{", "{\"" + "k".repeat(1 + random.nextInt(big() ? 100_000 : 2_000)) + "\":1,"));
            default -> rawBytes(utf8(json));
        };
        boolean chunked = random.nextBoolean();
        byte[] framed = chunked ? chunk(body) : body;
        List<String> h = new ArrayList<>(headers);
        h.add(chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + body.length);
        return new Request(concat(head("POST", path, "HTTP/1.1", h), framed), path, "json-" + kind, true);
    }

    /**
     * A request to the echo route that RFC 9112 allows though it is unusual: chunk extensions of
     * every syntax, a trailer section, or both. Expected: served like any valid request.
     */
    Request echoWithExtensionsOrTrailers(String path) {
        String body = "b".repeat(1 + random.nextInt(40));
        StringBuilder b = new StringBuilder();
        byte[] bytes = utf8(body);
        for (int i = 0; i < bytes.length; ) {
            int n = Math.min(bytes.length - i, 1 + random.nextInt(16));
            b.append(Integer.toHexString(n)).append(extension()).append("\r\n");
            b.append(body, i, i + n).append("\r\n");
            i += n;
        }
        b.append('0').append(extension()).append("\r\n");
        for (int t = random.nextInt(3); t > 0; t--) {
            b.append(pick("X-Checksum: abc", "X-T:1", "Content-Length: 99", "Server-Timing: a;dur=1", "X-E:"))
                    .append("\r\n");
        }
        b.append("\r\n");
        List<String> h = new ArrayList<>(List.of("Host: fuzz.example", "Transfer-Encoding: chunked"));
        return new Request(concat(head(pick("POST", "PUT"), path, "HTTP/1.1", h), utf8(b.toString())), path, "", false);
    }

    /** One in sixteen size-driven JSON mutations is large (tens of KiB to 1 MiB), the rest small: time goes to variety. */
    private boolean big() {
        return random.nextInt(16) == 0;
    }

    private String extension() {
        return switch (random.nextInt(6)) {
            case 0, 1 -> "";
            case 2 -> ";a=b";
            case 3 -> pick(";a", "; a", " ;a=\"q;\\\"\"", ";a=b;c;d=\"\"");
            case 4 -> ";" + "n".repeat(1 + random.nextInt(100)) + "=" + "v".repeat(random.nextInt(100) + 1);
            default -> "\t; x = \"y z\"";
        };
    }

    private byte[] rawBytes(byte[] json) {
        byte[] out = json.clone();
        for (int e = 1 + random.nextInt(4); e > 0; e--) {
            out[random.nextInt(out.length)] =
                    (byte) (random.nextBoolean() ? 0x80 + random.nextInt(128) : random.nextInt(32));
        }
        return out;
    }

    private Request mutate(
            String method, String path, List<String> headers, String body, boolean chunked, boolean json) {
        String kind = pick(
                "method",
                "target",
                "version",
                "eol",
                "header",
                "host",
                "content-length",
                "te",
                "chunk-size",
                "chunk-ext",
                "chunk-data",
                "trailer",
                "last-chunk",
                "bytes",
                "bytes",
                "long-line");
        String version = "HTTP/1.1";
        String last = "0\r\n\r\n";
        List<String> h = new ArrayList<>(headers);
        switch (kind) {
            case "method" ->
                method = pick("G@T", "", "GET GET", "g\u00e9t", "GE\tT", "(", "GET\u0000", "x".repeat(300));
            case "target" ->
                path = pick(
                        path + " x",
                        path + "\u0001",
                        "*",
                        "http://fuzz.example" + path,
                        path + "%zz",
                        "no-slash",
                        path + "\u00ff",
                        path + "#frag",
                        "//" + path,
                        path + "?" + "q".repeat(9000));
            case "version" ->
                version = pick("HTTP/1.0", "HTTP/2.0", "HTTP/1.10", "http/1.1", "", "HTTP/1.1 x", "HTTP/");
            case "eol" -> {} // applied to the bytes below
            case "header" ->
                h.add(pick(
                        "NoColon",
                        " Leading: space",
                        "Sp ace: x",
                        "X: \u0000",
                        "X: a\rb",
                        ": empty-name",
                        "X-Long: " + "v".repeat(40_000),
                        "\tobs-fold",
                        "X\u00ff: 1"));
            case "host" -> {
                h.removeIf(x -> x.startsWith("Host"));
                h.add(pick("Host: a:b:c", "Host: ", "Host: [::1", "Host: a b", "Host: fuzz.example:99999"));
                if (random.nextBoolean()) {
                    h.add("Host: other.example");
                }
            }
            case "content-length" -> {
                chunked = false;
                h.add("Content-Length: "
                        + pick(
                                "abc",
                                "-1",
                                "+5",
                                "1, 2",
                                "99999999999999999999",
                                Integer.toString(body.length() + 1 + random.nextInt(10)),
                                Integer.toString(Math.max(0, body.length() - 1 - random.nextInt(5))),
                                " 3",
                                "0x10"));
                if (random.nextBoolean()) {
                    h.add("Content-Length: " + body.length());
                }
                return new Request(serializeRaw(method, path, version, h, body), path, kind, json);
            }
            case "te" -> {
                h.add(pick(
                        "Transfer-Encoding: chunked",
                        "Transfer-Encoding: Chunked",
                        "Transfer-Encoding: chunked, chunked",
                        "Transfer-Encoding: gzip, chunked",
                        "Transfer-Encoding: identity",
                        "Transfer-Encoding: chunked\r\nContent-Length: 5",
                        "Transfer-Encoding:  chunked ",
                        "Transfer-Encoding: xchunked"));
                return new Request(serializeRaw(method, path, version, h, chunk(body) + last), path, kind, json);
            }
            case "chunk-size", "chunk-ext", "chunk-data", "trailer", "last-chunk" -> {
                if (body.isEmpty()) {
                    body = "data";
                }
                h.add("Transfer-Encoding: chunked");
                String b = switch (kind) {
                    case "chunk-size" ->
                        pick("zz", "-1", "fffffffffffffffff", "", " 4", "4 ", "0x4") + "\r\n" + body + "\r\n" + last;
                    case "chunk-ext" ->
                        Integer.toHexString(body.length()) + pick(";", ";a=b c", ";a=\"q", ";=b", ";a b", ";a=\u0001")
                                + "\r\n" + body + "\r\n" + last;
                    case "chunk-data" ->
                        Integer.toHexString(body.length()) + "\r\n" + body + pick("xx", "", "\n", "x\r\n") + "\r\n"
                                + last;
                    case "trailer" ->
                        chunk(body) + "0\r\n"
                                + pick("bad trailer\r\n", " X-T: 1\r\n", "X-T: \u0001\r\n", "X-T 1\r\n", ":v\r\n")
                                + "\r\n";
                    default -> chunk(body) + pick("0\r\n", "0", "", "00\r\n\r\n", "0\r\n\r\n\r\n");
                };
                return new Request(serializeRaw(method, path, version, h, b), path, kind, json);
            }
            case "long-line" -> h.add("X-Big: " + "y".repeat(7000 + random.nextInt(30_000)));
            default -> {}
        }
        byte[] bytes = serialize(method, path, version, h, body, chunked, last);
        if (kind.equals("eol")) {
            String s = new String(bytes, StandardCharsets.ISO_8859_1);
            s = random.nextBoolean() ? s.replace("\r\n", "\n") : s.replaceFirst("\r\n", pick("\r", "\n\r", "\r\r\n"));
            bytes = s.getBytes(StandardCharsets.ISO_8859_1);
        } else if (kind.equals("bytes")) {
            bytes = mutateBytes(bytes);
        }
        return new Request(bytes, path, kind, json);
    }

    private byte[] serialize(
            String method,
            String path,
            String version,
            List<String> headers,
            String body,
            boolean chunked,
            String last) {
        List<String> h = new ArrayList<>(headers);
        String framed;
        if (chunked) {
            h.add("Transfer-Encoding: chunked");
            framed = chunk(body) + last;
        } else {
            if (!body.isEmpty() || method.equals("POST")) {
                h.add("Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length);
            }
            framed = body;
        }
        return serializeRaw(method, path, version, h, framed);
    }

    private static byte[] head(String method, String path, String version, List<String> headers) {
        return serializeRaw(method, path, version, headers, "");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private byte[] chunk(byte[] body) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(body.length + 64);
        int max = body.length > 4096 ? 1 << 16 : 16;
        for (int i = 0; i < body.length; ) {
            int n = Math.min(body.length - i, 1 + random.nextInt(max));
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, i, n);
            out.writeBytes(new byte[] {'\r', '\n'});
            i += n;
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static byte[] serializeRaw(String method, String path, String version, List<String> headers, String body) {
        StringBuilder b = new StringBuilder(method).append(' ').append(path);
        if (!version.isEmpty()) {
            b.append(' ').append(version);
        }
        b.append("\r\n");
        for (String h : headers) {
            b.append(h).append("\r\n");
        }
        b.append("\r\n");
        byte[] head = b.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] tail = body.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + tail.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(tail, 0, out, head.length, tail.length);
        return out;
    }

    private String chunk(String body) {
        if (body.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        int i = 0;
        while (i < bytes.length) {
            int n = Math.min(bytes.length - i, 1 + random.nextInt(16));
            b.append(Integer.toHexString(n))
                    .append("\r\n")
                    .append(new String(bytes, i, n, StandardCharsets.ISO_8859_1))
                    .append("\r\n");
            i += n;
        }
        return b.toString();
    }

    private byte[] mutateBytes(byte[] in) {
        byte[] out = in.clone();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int at = random.nextInt(out.length);
            switch (random.nextInt(3)) {
                case 0 -> out[at] = (byte) random.nextInt(256);
                case 1 -> out[at] = pickByte(new byte[] {'\r', '\n', ' ', ':', '\t', 0, '0', 'G', '/'});
                default -> {
                    byte[] shorter = new byte[out.length - 1];
                    System.arraycopy(out, 0, shorter, 0, at);
                    System.arraycopy(out, at + 1, shorter, at, out.length - at - 1);
                    out = shorter.length == 0 ? out : shorter;
                }
            }
        }
        return out;
    }

    private String flip(String s) {
        char[] c = s.toCharArray();
        c[random.nextInt(c.length)] = "{}[]\",:x\\ ".charAt(random.nextInt(10));
        return new String(c);
    }

    private byte pickByte(byte[] options) {
        return options[random.nextInt(options.length)];
    }

    private String pick(String... options) {
        return options[random.nextInt(options.length)];
    }
}
