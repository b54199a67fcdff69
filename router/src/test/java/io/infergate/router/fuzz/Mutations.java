package io.infergate.router.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A seeded generator of HTTP/1.1 requests, valid or with one mutation of the request line, the
 * headers, the body framing (Content-Length, chunked encoding) or the JSON body. Pure: the same
 * seed gives the same bytes.
 */
final class Mutations {

    /** One generated request: its bytes, the path it names, and whether it was mutated (and how). */
    record Request(byte[] bytes, String path, String mutation, boolean json) {
        boolean valid() {
            return mutation.isEmpty();
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
        String json = "{\"model\":\"" + MODEL + "\",\"prompt\":\"hello " + random.nextInt(1000)
                + "\",\"max_tokens\":1,\"stream\":" + random.nextBoolean() + "}";
        List<String> headers = new ArrayList<>(List.of("Host: fuzz.example", "Content-Type: application/json"));
        if (random.nextDouble() >= p) {
            return new Request(serialize("POST", path, "HTTP/1.1", headers, json, false, "0\r\n\r\n"), path, "", true);
        }
        if (random.nextInt(4) == 0) {
            return mutate("POST", path, headers, json, random.nextBoolean(), true);
        }
        String kind =
                pick("truncate", "flip", "deep", "number", "type", "top", "utf8", "escape", "dupkey", "huge-string");
        String body = switch (kind) {
            case "truncate" -> json.substring(0, random.nextInt(json.length()));
            case "flip" -> flip(json);
            case "deep" -> {
                int d = 100 + random.nextInt(3000);
                yield "{\"model\":\"" + MODEL + "\",\"prompt\":" + "[".repeat(d) + "]".repeat(d) + "}";
            }
            case "number" ->
                json.replace(
                        "\"max_tokens\":1",
                        "\"max_tokens\":" + pick("1e999999", "-0", "99999999999999999999999", "1.5"));
            case "type" -> json.replace("\"" + MODEL + "\"", pick("1", "null", "[]", "{}", "true"));
            case "top" -> pick("[]", "null", "1", "\"s\"", "", "{}", "{}{}");
            case "utf8" -> json.replace("hello", "h\u00ffllo\u0000");
            case "escape" -> json.replace("hello", pick("\\ud800", "\\u12", "\\x41", "\\"));
            case "dupkey" -> json.replace("{", "{\"model\":\"other\",");
            default -> json.replace("hello", "h".repeat(20_000));
        };
        return new Request(
                serialize("POST", path, "HTTP/1.1", headers, body, random.nextBoolean(), "0\r\n\r\n"),
                path,
                "json-" + kind,
                true);
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
                        Integer.toHexString(body.length()) + pick(";a=b", ";a", ";a=\"q;\"", "; a = b") + "\r\n" + body
                                + "\r\n" + last;
                    case "chunk-data" ->
                        Integer.toHexString(body.length()) + "\r\n" + body + pick("xx", "", "\n", "x\r\n") + "\r\n"
                                + last;
                    case "trailer" ->
                        chunk(body) + "0\r\n" + pick("X-T: 1\r\n", "bad trailer\r\n", "Content-Length: 5\r\n") + "\r\n";
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
