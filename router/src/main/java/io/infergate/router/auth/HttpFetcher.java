package io.infergate.router.auth;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Fetches JWKS documents over HTTP(S) with the JDK client: bounded in time (connect and whole
 * request) and size ({@link KeySet#MAX_CHARS}), no redirects followed (a JWKS URL is configured
 * exactly), only 200 accepted. The JDK's default trust store verifies HTTPS issuers.
 */
public final class HttpFetcher implements JwksSource.Fetcher, AutoCloseable {
    private final HttpClient client;
    private final Duration timeout;

    /**
     * A client for JWKS documents.
     *
     * @param timeout bounds the connection and, separately, the whole exchange
     */
    public HttpFetcher(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public String fetch(URI uri) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("accept", "application/json, application/jwk-set+json")
                .GET()
                .build();
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new IOException("status " + response.statusCode());
                }
                byte[] bytes = body.readNBytes(KeySet.MAX_CHARS + 1);
                if (bytes.length > KeySet.MAX_CHARS) {
                    throw new IOException("the document exceeds " + KeySet.MAX_CHARS + " bytes");
                }
                return new String(bytes, StandardCharsets.UTF_8);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
