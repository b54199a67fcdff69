package io.infergate.simulator.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * vLLM's {@code --api-key}: a request under {@code /v1} without {@code Authorization: Bearer <key>}
 * is answered 401 with the OpenAI error a wrong key gets ({@code invalid_api_key}), before any
 * work. The comparison takes the same time for every wrong key of a given length.
 */
public final class ApiKeyCheck implements Filter {

    private static final byte[] UNAUTHORIZED = ("{\"error\":{\"message\":\"Incorrect API key provided.\","
                    + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}")
            .getBytes(StandardCharsets.UTF_8);

    private final byte[] expected;

    public ApiKeyCheck(String key) {
        this.expected = ("Bearer " + key).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.prologue().uriPath().path();
        if (!(path.equals("/v1") || path.startsWith("/v1/"))) {
            chain.proceed();
            return;
        }
        byte[] given = req.headers().first(HeaderNames.AUTHORIZATION).orElse("").getBytes(StandardCharsets.UTF_8);
        if (MessageDigest.isEqual(expected, given)) {
            chain.proceed();
            return;
        }
        res.status(401);
        res.header(HeaderNames.CONTENT_TYPE, JsonBodies.CONTENT_TYPE);
        res.send(UNAUTHORIZED);
    }
}
