package io.infergate.router.proxy;

import io.infergate.common.snapshot.Filter;
import io.infergate.router.match.PathCondition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link UpstreamRequest#build}: header policy, filters, Host and forwarded headers, without Helidon. */
class UpstreamRequestTest {

    private static HeaderList headers(String... nameValue) {
        HeaderList h = new HeaderList();
        for (int i = 0; i < nameValue.length; i += 2) {
            h.add(nameValue[i], nameValue[i + 1]);
        }
        return h;
    }

    private static List<String> lines(HeaderList h) {
        List<String> out = new ArrayList<>();
        h.forEach((n, v) -> out.add(n + ": " + v));
        return out;
    }

    private static UpstreamRequest.Inbound inbound(HeaderList h) {
        return new UpstreamRequest.Inbound("POST", "/v1/completions", "", h, "10.0.0.9", false, "fallback.example");
    }

    @Test
    void dropsHopByHopAndGatewayHeadersAndSetsForwardedOnes() {
        HeaderList in = headers(
                "Host",
                "api.example",
                "Connection",
                "keep-alive, x-drop-me",
                "x-drop-me",
                "1",
                "Transfer-Encoding",
                "chunked",
                "Proxy-Authorization",
                "secret",
                "x-request-id",
                "client-id",
                "x-gateway-inference-objective",
                "gold",
                "x-gateway-model-name-rewrite",
                "m2",
                "Accept",
                "a",
                "Accept",
                "b",
                "x-forwarded-for",
                "1.2.3.4");
        UpstreamRequest r = UpstreamRequest.build(inbound(in), List.of(), PathCondition.Prefix.of("/"), "rid-1");
        assertEquals(
                List.of(
                        "Accept: a",
                        "Accept: b",
                        "Host: api.example",
                        "x-request-id: rid-1",
                        "x-forwarded-for: 1.2.3.4, 10.0.0.9",
                        "x-forwarded-proto: http"),
                lines(r.headers()));
        assertEquals("/v1/completions", r.target());
        assertEquals("POST", r.method());
    }

    @Test
    void withoutHostHeaderSendsTheDefaultAuthority() {
        UpstreamRequest r = UpstreamRequest.build(
                new UpstreamRequest.Inbound("GET", "/a", "x=1&y=%20", headers(), "", true, "fallback.example"),
                List.of(),
                new PathCondition.Exact("/a"),
                "rid");
        assertEquals(
                List.of("Host: fallback.example", "x-request-id: rid", "x-forwarded-for: ", "x-forwarded-proto: https"),
                lines(r.headers()));
        assertEquals("/a?x=1&y=%20", r.target());
    }

    @Test
    void filtersApplyInOrderAndUrlRewriteWinsOverAHostHeaderModifier() {
        List<Filter> filters = List.of(
                new Filter.RequestHeaderModifier(
                        List.of(new Filter.Header("Host", "set.example")),
                        List.of(new Filter.Header("x-add", "1")),
                        List.of("accept")),
                new Filter.UrlRewrite(
                        Optional.of("rewritten.example"),
                        Optional.of(new Filter.PathModifier(Filter.PathModifier.Type.REPLACE_PREFIX_MATCH, "/v2"))),
                new Filter.ResponseHeaderModifier(
                        List.of(), List.of(new Filter.Header("x-resp", "r")), List.of("server")));
        UpstreamRequest r = UpstreamRequest.build(
                inbound(headers("Host", "api.example", "Accept", "a")), filters, PathCondition.Prefix.of("/v1"), "rid");
        assertEquals("/v2/completions", r.target());
        assertEquals(
                List.of(
                        "x-add: 1",
                        "Host: rewritten.example",
                        "x-request-id: rid",
                        "x-forwarded-for: 10.0.0.9",
                        "x-forwarded-proto: http"),
                lines(r.headers()));
        HeaderList response = r.responseHeaders(headers(
                "Server",
                "vllm",
                "Content-Type",
                "application/json",
                "Keep-Alive",
                "timeout=5",
                "x-request-id",
                "upstream-id"));
        assertEquals(List.of("Content-Type: application/json", "x-resp: r"), lines(response));
    }

    @Test
    void aHostHeaderModifierChangesHostWithoutUrlRewrite() {
        List<Filter> filters = List.of(new Filter.RequestHeaderModifier(
                List.of(new Filter.Header("host", "set.example")), List.of(), List.of()));
        UpstreamRequest r = UpstreamRequest.build(
                inbound(headers("Host", "api.example")), filters, PathCondition.Prefix.of("/"), "rid");
        assertEquals("set.example", r.headers().first("host"));
    }
}
