package io.infergate.router.provider;

import io.infergate.common.snapshot.Backend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProviderTargetTest {

    private static Backend.External provider(String baseUrl) {
        return new Backend.External("externalprovider/ns/p", "ns", "p", baseUrl, List.of(), "k");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "OpenAI's base URL: /v1 of the request is the base's /v1 | https://api.example.com/v1 | /v1/chat/completions | '' | /v1/chat/completions | api.example.com",
                "a base path before /v1 is kept | https://example.com:8443/openai/v1/ | /v1/completions | a=1 | /openai/v1/completions?a=1 | example.com:8443",
                "a request path outside /v1 is appended whole | https://example.com/api | /models | '' | /api/models | example.com",
                "no base path and exactly /v1 | https://example.com | /v1 | '' | / | example.com",
                "/v1x is not under /v1 | https://example.com/v1 | /v1x | '' | /v1/v1x | example.com",
            })
    void targets(String why, String baseUrl, String path, String query, String target, String authority) {
        Backend.External p = provider(baseUrl);
        assertEquals(target, ProviderTarget.target(p, path, query), why);
        assertEquals(authority, ProviderTarget.authority(p), why);
    }
}
