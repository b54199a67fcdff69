package io.infergate.controller;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.infergate.common.tls.Issuer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A hosted OpenAI-compatible provider played over HTTPS on loopback (the JDK's HTTPS server, a
 * certificate for {@code localhost} from a CA made by the test): it records what each request
 * carried and answers {@code POST <base>/chat/completions} only to {@code Authorization: Bearer
 * <key>}; anything else gets OpenAI's own 401 ({@code invalid_api_key}).
 *
 * <p>A streamed answer sends its first event, then holds the rest until {@link #release()} (at most
 * {@link #HOLD}): a client that sees the first event before releasing proves nothing in between
 * buffered the stream.
 */
final class ProviderStandIn implements AutoCloseable {

    static final Duration HOLD = Duration.ofSeconds(10);
    static final String INVALID_KEY = """
            {"error":{"message":"Incorrect API key provided.","type":"invalid_request_error",\
            "param":null,"code":"invalid_api_key"}}""";

    /** What one request carried, as the provider saw it. */
    record Seen(
            String path,
            String host,
            Optional<String> authorization,
            Optional<String> apiKey,
            Optional<String> cookie,
            String body) {}

    private final HttpsServer server;
    private final String key;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch release = new CountDownLatch(1);
    private volatile boolean heldThenReleased;

    private ProviderStandIn(HttpsServer server, String key) {
        this.server = server;
        this.key = key;
    }

    /** Listens on 127.0.0.1 (any free port), serving {@code path + "/chat/completions"}, with a certificate of {@code ca}. */
    static ProviderStandIn start(Issuer.Issued ca, String path, String key) throws Exception {
        Issuer.Issued leaf = Issuer.leaf(ca, List.of("localhost"), Issuer.KeyType.EC_P256, Duration.ofHours(1));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] none = new char[0];
        store.setKeyEntry(
                "provider", leaf.keys().getPrivate(), none, new Certificate[] {leaf.certificate(), ca.certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, none);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        ProviderStandIn standIn = new ProviderStandIn(server, key);
        server.createContext(path + "/chat/completions", standIn::handle);
        server.start();
        return standIn;
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Every request so far, oldest first. */
    List<Seen> seen() {
        return List.copyOf(seen);
    }

    /** Lets the held stream finish. */
    void release() {
        release.countDown();
    }

    /** Whether the last stream was released by the client rather than by the {@link #HOLD} timeout. */
    boolean streamWasReleasedByTheClient() {
        return heldThenReleased;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Optional<String> authorization = first(ex, "Authorization");
            seen.add(new Seen(
                    ex.getRequestURI().getPath(),
                    first(ex, "Host").orElse(""),
                    authorization,
                    first(ex, "x-api-key"),
                    first(ex, "Cookie"),
                    body));
            if (!ex.getRequestMethod().equals("POST")) {
                send(ex, 405, "{\"error\":{\"message\":\"POST only\",\"type\":\"invalid_request_error\"}}");
            } else if (!authorization.equals(Optional.of("Bearer " + key))) {
                send(ex, 401, INVALID_KEY);
            } else if (body.replace(" ", "").contains("\"stream\":true")) {
                stream(ex);
            } else {
                send(ex, 200, """
                        {"id":"chatcmpl-standin","object":"chat.completion","created":1,"model":"gpt-standin",\
                        "choices":[{"index":0,"message":{"role":"assistant","content":"Hello from the provider"},\
                        "finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}""");
            }
        }
    }

    private void stream(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        String[] words = {"Hello", " from", " the", " provider"};
        release = new CountDownLatch(1);
        for (int i = 0; i < words.length; i++) {
            out.write(
                    ("data: {\"id\":\"chatcmpl-standin\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-standin\","
                                    + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + words[i] + "\"}}]}\n\n")
                            .getBytes(StandardCharsets.UTF_8));
            out.flush();
            if (i == 0) {
                try {
                    heldThenReleased = release.await(HOLD.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private static Optional<String> first(HttpExchange ex, String name) {
        return Optional.ofNullable(ex.getRequestHeaders().getFirst(name));
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}
