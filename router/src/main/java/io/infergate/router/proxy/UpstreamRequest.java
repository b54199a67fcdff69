package io.infergate.router.proxy;

import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.Filter;
import io.infergate.router.match.PathCondition;
import io.infergate.router.provider.ProviderTarget;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The request the router sends upstream, built from the client's request without any I/O:
 * hop-by-hop headers and the gateway's own {@code x-gateway-inference-objective} /
 * {@code x-gateway-model-name-rewrite} dropped, RequestHeaderModifier and URLRewrite filters
 * applied in filter order (rule filters first, then the backendRef's), Host kept as sent unless a
 * filter changes it, {@code x-request-id} set to the router's id, {@code x-forwarded-for}
 * extended with the client's address and {@code x-forwarded-proto} set.
 *
 * @param method            the request method, as sent
 * @param target            the raw path (possibly rewritten) and raw query, as written upstream
 * @param headers           the headers to send, Host included
 * @param responseModifiers the ResponseHeaderModifier filters, applied to the upstream response
 */
record UpstreamRequest(
        String method, String target, HeaderList headers, List<Filter.ResponseHeaderModifier> responseModifiers) {

    UpstreamRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(headers, "headers");
        responseModifiers = List.copyOf(responseModifiers);
    }

    /**
     * The client's request as the builder needs it (read off Helidon's request at the edge).
     *
     * @param method      the method token
     * @param rawPath     the path as sent (not decoded)
     * @param rawQuery    the query as sent, empty when none
     * @param headers     every header as sent, in order
     * @param peer        the client's IP address (empty when unknown)
     * @param secure      the client connection is TLS
     * @param defaultHost the authority to send when the request carries no Host header
     */
    record Inbound(
            String method,
            String rawPath,
            String rawQuery,
            HeaderList headers,
            String peer,
            boolean secure,
            String defaultHost) {}

    /**
     * Builds the upstream request.
     *
     * @param in        the client's request
     * @param filters   the rule's filters followed by the backendRef's
     * @param matched   the path condition the rule matched (ReplacePrefixMatch rewrites against it)
     * @param requestId the router's request id, sent as {@code x-request-id}
     */
    static UpstreamRequest build(Inbound in, List<Filter> filters, PathCondition matched, String requestId) {
        HeaderList headers = new HeaderList();
        String connection = in.headers().first("connection");
        in.headers().forEach((name, value) -> {
            if (!HopByHop.drop(name, connection)
                    && !name.equalsIgnoreCase(GatewayHandler.X_REQUEST_ID)
                    && !name.equalsIgnoreCase(GatewayHandler.X_OBJECTIVE)
                    && !name.equalsIgnoreCase(GatewayHandler.X_MODEL_REWRITE)) {
                headers.add(name, value);
            }
        });
        String path = in.rawPath();
        Optional<String> hostRewrite = Optional.empty();
        List<Filter.ResponseHeaderModifier> responseModifiers = new ArrayList<>();
        for (Filter f : filters) {
            switch (f) {
                case Filter.RequestHeaderModifier m -> modify(headers, m.set(), m.add(), m.remove());
                case Filter.ResponseHeaderModifier m -> responseModifiers.add(m);
                case Filter.UrlRewrite u -> {
                    if (u.hostname().isPresent()) {
                        hostRewrite = u.hostname();
                    }
                    if (u.path().isPresent()) {
                        path = Rewrites.path(u.path().get(), matched, path);
                    }
                }
                case Filter.RequestRedirect r -> {} // answered before the exchange
                case Filter.RequestMirror m -> {} // copies are sent once the request is final
            }
        }
        String originalHost = Optional.ofNullable(in.headers().first("host")).orElse(in.defaultHost());
        String host = hostRewrite.orElseGet(
                () -> Optional.ofNullable(headers.first("host")).orElse(originalHost));
        headers.remove("host");
        headers.add("Host", host);
        headers.set(GatewayHandler.X_REQUEST_ID, requestId);
        String forwardedFor = headers.first("x-forwarded-for");
        headers.set(
                "x-forwarded-for",
                forwardedFor == null || forwardedFor.isBlank() ? in.peer() : forwardedFor + ", " + in.peer());
        headers.set("x-forwarded-proto", in.secure() ? "https" : "http");
        String target = path + (in.rawQuery().isEmpty() ? "" : "?" + in.rawQuery());
        return new UpstreamRequest(in.method(), target, headers, responseModifiers);
    }

    /**
     * This request as an external provider receives it ({@link ProviderTarget}): the target joined
     * to the base URL's path, Host the provider's, the client's credentials and address dropped and
     * the provider's key in {@code Authorization}.
     */
    UpstreamRequest toProvider(Backend.External provider) {
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? "" : target.substring(q + 1);
        HeaderList out = headers.copy();
        ProviderTarget.DROPPED.forEach(out::remove);
        out.remove("host");
        out.add("Host", ProviderTarget.authority(provider));
        out.set("Authorization", ProviderTarget.authorization(provider));
        return new UpstreamRequest(method, ProviderTarget.target(provider, path, query), out, responseModifiers);
    }

    /**
     * The response headers to send the client: the upstream's minus hop-by-hop headers and
     * {@code x-request-id} (the router sets its own), then the ResponseHeaderModifier filters.
     */
    HeaderList responseHeaders(HeaderList upstream) {
        HeaderList out = new HeaderList();
        String connection = upstream.first("connection");
        upstream.forEach((name, value) -> {
            if (!HopByHop.drop(name, connection) && !name.equalsIgnoreCase(GatewayHandler.X_REQUEST_ID)) {
                out.add(name, value);
            }
        });
        for (Filter.ResponseHeaderModifier m : responseModifiers) {
            modify(out, m.set(), m.add(), m.remove());
        }
        return out;
    }

    /** RequestHeaderModifier / ResponseHeaderModifier: remove, then set, then add. */
    private static void modify(
            HeaderList headers, List<Filter.Header> set, List<Filter.Header> add, List<String> remove) {
        remove.forEach(headers::remove);
        set.forEach(h -> headers.set(h.name(), h.value()));
        add.forEach(h -> headers.add(h.name(), h.value()));
    }
}
