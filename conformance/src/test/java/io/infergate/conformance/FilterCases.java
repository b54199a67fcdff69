package io.infergate.conformance;

import java.util.List;

import static io.infergate.conformance.Expected.GATEWAY_ADDRESS;
import static io.infergate.conformance.Expected.LISTENER_PORT;
import static io.infergate.conformance.Expected.Listener.PORT_8080;
import static io.infergate.conformance.Expected.request;
import static io.infergate.conformance.UpstreamTest.upstream;

/**
 * The table, part three: filters (header modifiers, redirects, rewrites) on rules and on
 * backendRefs (upstream {@code httproute-*-header-modifier*.go}, {@code httproute-*redirect*.go},
 * {@code httproute-*rewrite*.go}). Redirects without a port or scheme in the filter keep the
 * listener's port, which is not 80 here, so the Location writes it out ({@link Expected#LISTENER_PORT}).
 */
final class FilterCases {

    private FilterCases() {}

    /** Rows sent over TLS (SNI and Host example.org) to the Gateway with the suite's HTTPS listener. */
    private static UpstreamTest httpsRows(UpstreamTest test, Expected... rows) {
        for (Expected row : rows) {
            test.check(
                    "https-listener-on-443" + row.path(),
                    s -> s.checkTls("same-namespace-with-https-listener", "example.org", row.host("example.org")));
        }
        return test;
    }

    static List<UpstreamTest> all() {
        return List.of(
                // RequestHeaderModifier set (replaces), add (appends to what the client sent),
                // remove; names case-insensitive.
                upstream("HTTPRouteRequestHeaderModifier", "httproute-request-header-modifier")
                        .accepted("request-header-modifier", "same-namespace")
                        .rows("same-namespace", requestHeaderModifierRows()),

                // The same RequestHeaderModifier filters, placed on the backendRefs instead of the
                // rules (httproute-request-header-modifier-backend.yaml, upstream runs it with
                // HTTPRouteRequestHeaderModifier's table), give the same requests at the backend.
                upstream("HTTPRouteBackendRequestHeaderModifier", "httproute-request-header-modifier-backend")
                        .accepted("request-header-modifier", "same-namespace")
                        .rows("same-namespace", requestHeaderModifierRows()),

                // ResponseHeaderModifier set, add, remove on what the backend answered (the echo
                // server sets the headers named in X-Echo-Set-Header); names case-insensitive;
                // request and response modifiers together.
                upstream("HTTPRouteResponseHeaderModifier", "httproute-response-header-modifier")
                        .accepted("response-header-modifier", "same-namespace")
                        .rows(
                                "same-namespace",
                                request("/set")
                                        .backendSets("Some-Other-Header", "val")
                                        .backend("infra-backend-v1")
                                        .responseHeader("Some-Other-Header", "val")
                                        .responseHeader("X-Header-Set", "set-overwrites-values"),
                                request("/set")
                                        .backendSets("Some-Other-Header", "val")
                                        .backendSets("X-Header-Set", "some-other-value")
                                        .backend("infra-backend-v1")
                                        .responseHeader("Some-Other-Header", "val")
                                        .responseHeader("X-Header-Set", "set-overwrites-values"),
                                request("/add")
                                        .backendSets("Some-Other-Header", "val")
                                        .backend("infra-backend-v1")
                                        .responseHeader("Some-Other-Header", "val")
                                        .responseHeader("X-Header-Add", "add-appends-values"),
                                request("/add")
                                        .backendSets("Some-Other-Header", "val")
                                        .backendSets("X-Header-Add", "some-other-value")
                                        .backend("infra-backend-v1")
                                        .responseHeader("Some-Other-Header", "val")
                                        .responseHeader("X-Header-Add", "some-other-value,add-appends-values"),
                                request("/remove")
                                        .backendSets("X-Header-Remove", "val")
                                        .backend("infra-backend-v1")
                                        .responseAbsent("X-Header-Remove"),
                                request("/multiple")
                                        .backendSets("X-Header-Set-2", "set-val-2")
                                        .backendSets("X-Header-Add-2", "add-val-2")
                                        .backendSets("X-Header-Remove-2", "remove-val-2")
                                        .backendSets("Another-Header", "another-header-val")
                                        .backendSets("X-Header-Remove-1", "val")
                                        .backend("infra-backend-v1")
                                        .responseHeader("X-Header-Set-1", "header-set-1")
                                        .responseHeader("X-Header-Set-2", "header-set-2")
                                        .responseHeader("X-Header-Add-1", "header-add-1")
                                        .responseHeader("X-Header-Add-2", "add-val-2,header-add-2")
                                        .responseHeader("X-Header-Add-3", "header-add-3")
                                        .responseHeader("Another-Header", "another-header-val")
                                        .responseAbsent("X-Header-Remove-1", "X-Header-Remove-2"),
                                request("/case-insensitivity")
                                        .backendSets("x-header-set", "original-val-set")
                                        .backendSets("x-header-add", "original-val-add")
                                        .backendSets("x-header-remove", "original-val-remove")
                                        .backendSets("Another-Header", "another-header-val")
                                        .backend("infra-backend-v1")
                                        .responseHeader("X-Header-Set", "header-set")
                                        .responseHeader("X-Header-Add", "original-val-add,header-add")
                                        .responseHeader("X-Lowercase-Add", "lowercase-add")
                                        .responseHeader("X-Mixedcase-Add-1", "mixedcase-add-1")
                                        .responseHeader("X-Mixedcase-Add-2", "mixedcase-add-2")
                                        .responseHeader("X-Uppercase-Add", "uppercase-add")
                                        .responseHeader("Another-Header", "another-header-val")
                                        .responseAbsent("x-header-remove", "X-Header-Remove"),
                                request("/response-and-request-header-modifiers")
                                        .header("X-Header-Remove", "remove-val")
                                        .header("X-Header-Add-Append", "append-val-1")
                                        .header("X-Header-Echo", "echo")
                                        .backendSets("X-Header-Set-2", "set-val-2")
                                        .backendSets("X-Header-Add-2", "add-val-2")
                                        .backendSets("X-Header-Remove-2", "remove-val-2")
                                        .backendSets("Another-Header", "another-header-val")
                                        .backendSets("X-Header-Remove-1", "remove-val-1")
                                        .backendSets("X-Header-Echo", "echo")
                                        .backend("infra-backend-v1")
                                        .expectHeader("X-Header-Add", "header-val-1")
                                        .expectHeader("X-Header-Set", "set-overwrites-values")
                                        .expectHeader("X-Header-Add-Append", "append-val-1,header-val-2")
                                        .expectHeader("X-Header-Echo", "echo")
                                        .absent("X-Header-Remove")
                                        .responseHeader("X-Header-Set-1", "header-set-1")
                                        .responseHeader("X-Header-Set-2", "header-set-2")
                                        .responseHeader("X-Header-Add-1", "header-add-1")
                                        .responseHeader("X-Header-Add-2", "add-val-2,header-add-2")
                                        .responseHeader("Another-Header", "another-header-val")
                                        .responseHeader("X-Header-Echo", "echo")
                                        .responseAbsent("X-Header-Remove-1", "X-Header-Remove-2")),

                // Extended SupportHTTPRoute303RedirectStatusCode (a POST).
                upstream("HTTPRoute303Redirect", "httproute-303-redirect")
                        .accepted("303-redirect", "same-namespace")
                        .rows(
                                "same-namespace",
                                request("/see-other")
                                        .method("POST")
                                        .redirect(303, "http", GATEWAY_ADDRESS, LISTENER_PORT, "/see-other")),

                // Extended SupportHTTPRoute307RedirectStatusCode.
                upstream("HTTPRoute307Redirect", "httproute-307-redirect")
                        .accepted("307-redirect", "same-namespace")
                        .rows(
                                "same-namespace",
                                request("/temporary")
                                        .redirect(307, "http", GATEWAY_ADDRESS, LISTENER_PORT, "/temporary")),

                // Extended SupportHTTPRoute308RedirectStatusCode.
                upstream("HTTPRoute308Redirect", "httproute-308-redirect")
                        .accepted("308-redirect", "same-namespace")
                        .rows(
                                "same-namespace",
                                request("/permanent")
                                        .redirect(308, "http", GATEWAY_ADDRESS, LISTENER_PORT, "/permanent")),

                // RequestRedirect hostname, with the default 302 and an explicit 301.
                upstream("HTTPRouteRedirectHostAndStatus", "httproute-redirect-host-and-status")
                        .accepted("redirect-host-and-status", "same-namespace")
                        .rows(
                                "same-namespace",
                                request("/hostname-redirect")
                                        .redirect(302, "http", "example.org", LISTENER_PORT, "/hostname-redirect"),
                                request("/host-and-status")
                                        .redirect(301, "http", "example.org", LISTENER_PORT, "/host-and-status")),

                // RequestRedirect path: ReplacePrefixMatch and ReplaceFullPath, with hostname and status.
                upstream("HTTPRouteRedirectPath", "httproute-redirect-path")
                        .accepted("redirect-path", "same-namespace")
                        .rows(
                                "same-namespace",
                                request("/original-prefix/lemon")
                                        .redirect(
                                                302,
                                                "http",
                                                GATEWAY_ADDRESS,
                                                LISTENER_PORT,
                                                "/replacement-prefix/lemon"),
                                request("/full/path/original")
                                        .redirect(
                                                302, "http", GATEWAY_ADDRESS, LISTENER_PORT, "/full-path-replacement"),
                                request("/path-and-host")
                                        .redirect(302, "http", "example.org", LISTENER_PORT, "/replacement-prefix"),
                                request("/path-and-status")
                                        .redirect(301, "http", GATEWAY_ADDRESS, LISTENER_PORT, "/replacement-prefix"),
                                request("/full-path-and-host")
                                        .redirect(302, "http", "example.org", LISTENER_PORT, "/replacement-full"),
                                request("/full-path-and-status")
                                        .redirect(301, "http", GATEWAY_ADDRESS, LISTENER_PORT, "/replacement-full")),

                // RequestRedirect port, alone and with hostname and status.
                upstream("HTTPRouteRedirectPort", "httproute-redirect-port")
                        .accepted("redirect-port", "same-namespace")
                        .rows(
                                "same-namespace",
                                request("/port").redirect(302, "http", GATEWAY_ADDRESS, "8083", "/port"),
                                request("/port-and-host")
                                        .redirect(302, "http", "example.org", "8083", "/port-and-host"),
                                request("/port-and-status")
                                        .redirect(301, "http", GATEWAY_ADDRESS, "8083", "/port-and-status"),
                                request("/port-and-host-and-status")
                                        .redirect(302, "http", "example.org", "8083", "/port-and-host-and-status")),

                // RequestRedirect scheme https without a port: the well-known port 443, left out of
                // the Location.
                upstream("HTTPRouteRedirectScheme", "httproute-redirect-scheme")
                        .accepted("redirect-scheme", "same-namespace")
                        .rows(
                                "same-namespace",
                                request("/scheme").redirect(302, "https", GATEWAY_ADDRESS, "", "/scheme"),
                                request("/scheme-and-host")
                                        .redirect(302, "https", "example.org", "", "/scheme-and-host"),
                                request("/scheme-and-status")
                                        .redirect(301, "https", GATEWAY_ADDRESS, "", "/scheme-and-status"),
                                request("/scheme-and-host-and-status")
                                        .redirect(302, "https", "example.org", "", "/scheme-and-host-and-status")),

                // The spec's default-port rules. No port and no scheme: the listener's port; a
                // scheme without a port: that scheme's well-known port; 80 with http and 443 with
                // https are left out of the Location. Upstream's listeners are on 80 and 8080,
                // where "the listener port" is written as none and "8080"; here free ports stand
                // in for them. The HTTPS listener rows go over TLS to the suite's HTTPS Gateway.
                httpsRows(
                        upstream("HTTPRouteRedirectPortAndScheme", "httproute-redirect-port-and-scheme")
                                .accepted("http-route-for-listener-on-port-80", "same-namespace")
                                .accepted(
                                        "http-route-for-listener-on-port-8080",
                                        "same-namespace-with-http-listener-on-8080")
                                .rows(
                                        "http-listener-on-80",
                                        "same-namespace",
                                        request("/scheme-nil-and-port-nil")
                                                .redirect(
                                                        302,
                                                        "http",
                                                        "example.org",
                                                        LISTENER_PORT,
                                                        "/scheme-nil-and-port-nil"),
                                        request("/scheme-nil-and-port-80")
                                                .redirect(302, "http", "example.org", "", "/scheme-nil-and-port-80"),
                                        request("/scheme-nil-and-port-8080")
                                                .redirect(
                                                        302,
                                                        "http",
                                                        "example.org",
                                                        "8080",
                                                        "/scheme-nil-and-port-8080"),
                                        request("/scheme-https-and-port-nil")
                                                .redirect(
                                                        302, "https", "example.org", "", "/scheme-https-and-port-nil"),
                                        request("/scheme-https-and-port-443")
                                                .redirect(
                                                        302, "https", "example.org", "", "/scheme-https-and-port-443"),
                                        request("/scheme-https-and-port-8443")
                                                .redirect(
                                                        302,
                                                        "https",
                                                        "example.org",
                                                        "8443",
                                                        "/scheme-https-and-port-8443"))
                                .rows(
                                        "http-listener-on-8080",
                                        "same-namespace-with-http-listener-on-8080",
                                        PORT_8080,
                                        request("/scheme-nil-and-port-nil")
                                                .redirect(
                                                        302,
                                                        "http",
                                                        "example.org",
                                                        LISTENER_PORT,
                                                        "/scheme-nil-and-port-nil"),
                                        request("/scheme-nil-and-port-80")
                                                .redirect(302, "http", "example.org", "", "/scheme-nil-and-port-80"),
                                        request("/scheme-https-and-port-nil")
                                                .redirect(
                                                        302, "https", "example.org", "", "/scheme-https-and-port-nil"))
                                .accepted("http-route-for-listener-on-port-443", "same-namespace-with-https-listener"),
                        // the HTTPS listener rows, over TLS with SNI example.org (listener port 443
                        // upstream: a redirect without port keeps the listener's, the free port here)
                        request("/scheme-nil-and-port-nil")
                                .redirect(302, "https", "example.org", LISTENER_PORT, "/scheme-nil-and-port-nil"),
                        request("/scheme-nil-and-port-443")
                                .redirect(302, "https", "example.org", "", "/scheme-nil-and-port-443"),
                        request("/scheme-nil-and-port-8443")
                                .redirect(302, "https", "example.org", "8443", "/scheme-nil-and-port-8443"),
                        request("/scheme-http-and-port-nil")
                                .redirect(302, "http", "example.org", "", "/scheme-http-and-port-nil"),
                        request("/scheme-http-and-port-80")
                                .redirect(302, "http", "example.org", "", "/scheme-http-and-port-80"),
                        request("/scheme-http-and-port-8080")
                                .redirect(302, "http", "example.org", "8080", "/scheme-http-and-port-8080")),

                // Extended SupportHTTPRouteBackendRequestRedirect: RequestRedirect on a backendRef
                // answers the requests that backendRef would serve.
                upstream("HTTPRouteBackendRequestRedirect", "httproute-backend-request-redirect")
                        .accepted("backend-request-redirect", "same-namespace")
                        .rows(
                                "same-namespace",
                                request("/full/original")
                                        .redirect(302, "http", GATEWAY_ADDRESS, LISTENER_PORT, "/redirected-full"),
                                request("/prefix/original")
                                        .redirect(
                                                302,
                                                "http",
                                                GATEWAY_ADDRESS,
                                                LISTENER_PORT,
                                                "/redirected-prefix/original")),

                // URLRewrite hostname replaces the Host sent upstream; with a RequestHeaderModifier
                // in the same rule.
                upstream("HTTPRouteRewriteHost", "httproute-rewrite-host")
                        .accepted("rewrite-host", "same-namespace")
                        .rows(
                                "same-namespace",
                                request("/one")
                                        .host("rewrite.example")
                                        .backend("infra-backend-v1")
                                        .expectHost("one.example.org"),
                                request("/two")
                                        .host("rewrite.example")
                                        .backend("infra-backend-v2")
                                        .expectHost("example.org"),
                                request("/rewrite-host-and-modify-headers")
                                        .host("rewrite.example")
                                        .header("X-Header-Remove", "remove-val")
                                        .header("X-Header-Add-Append", "append-val-1")
                                        .backend("infra-backend-v2")
                                        .expectHost("test.example.org")
                                        .expectHeader("X-Header-Add", "header-val-1")
                                        .expectHeader("X-Header-Add-Append", "append-val-1,header-val-2")
                                        .expectHeader("X-Header-Set", "set-overwrites-values")
                                        .absent("X-Header-Remove")),

                // URLRewrite path: ReplacePrefixMatch (including replacement "/", which strips the
                // prefix) and ReplaceFullPath, with a RequestHeaderModifier in the same rule.
                upstream("HTTPRouteRewritePath", "httproute-rewrite-path")
                        .accepted("rewrite-path", "same-namespace")
                        .rows(
                                "same-namespace",
                                request("/prefix/one/two")
                                        .backend("infra-backend-v1")
                                        .expectPath("/one/two"),
                                request("/strip-prefix/three")
                                        .backend("infra-backend-v1")
                                        .expectPath("/three"),
                                request("/strip-prefix")
                                        .backend("infra-backend-v1")
                                        .expectPath("/"),
                                request("/full/one/two")
                                        .backend("infra-backend-v1")
                                        .expectPath("/one"),
                                request("/full/rewrite-path-and-modify-headers/test")
                                        .header("X-Header-Remove", "remove-val")
                                        .header("X-Header-Add-Append", "append-val-1")
                                        .header("X-Header-Set", "set-val")
                                        .backend("infra-backend-v1")
                                        .expectPath("/test")
                                        .expectHeader("X-Header-Add", "header-val-1")
                                        .expectHeader("X-Header-Add-Append", "append-val-1,header-val-2")
                                        .expectHeader("X-Header-Set", "set-overwrites-values")
                                        .absent("X-Header-Remove"),
                                request("/prefix/rewrite-path-and-modify-headers/one")
                                        .header("X-Header-Remove", "remove-val")
                                        .header("X-Header-Add-Append", "append-val-1")
                                        .header("X-Header-Set", "set-val")
                                        .backend("infra-backend-v1")
                                        .expectPath("/prefix/one")
                                        .expectHeader("X-Header-Add", "header-val-1")
                                        .expectHeader("X-Header-Add-Append", "append-val-1,header-val-2")
                                        .expectHeader("X-Header-Set", "set-overwrites-values")
                                        .absent("X-Header-Remove")),

                // Extended SupportHTTPRouteBackendURLRewrite: URLRewrite on a backendRef rewrites the
                // path of the requests that backendRef serves.
                upstream("HTTPRouteBackendURLRewrite", "httproute-backend-url-rewrite")
                        .accepted("backend-url-rewrite", "same-namespace")
                        .rows(
                                "same-namespace",
                                request("/full/original")
                                        .backend("infra-backend-v1")
                                        .expectPath("/rewritten-full"),
                                request("/prefix/original")
                                        .backend("infra-backend-v1")
                                        .expectPath("/rewritten-prefix/original")));
    }

    /** HTTPRouteRequestHeaderModifier's table, which its backendRef variant replays. */
    private static Expected[] requestHeaderModifierRows() {
        return new Expected[] {
            request("/set")
                    .header("Some-Other-Header", "val")
                    .backend("infra-backend-v1")
                    .expectHeader("Some-Other-Header", "val")
                    .expectHeader("X-Header-Set", "set-overwrites-values"),
            request("/set")
                    .header("Some-Other-Header", "val")
                    .header("X-Header-Set", "some-other-value")
                    .backend("infra-backend-v1")
                    .expectHeader("Some-Other-Header", "val")
                    .expectHeader("X-Header-Set", "set-overwrites-values"),
            request("/add")
                    .header("Some-Other-Header", "val")
                    .backend("infra-backend-v1")
                    .expectHeader("Some-Other-Header", "val")
                    .expectHeader("X-Header-Add", "add-appends-values"),
            request("/add")
                    .header("Some-Other-Header", "val")
                    .header("X-Header-Add", "some-other-value")
                    .backend("infra-backend-v1")
                    .expectHeader("Some-Other-Header", "val")
                    .expectHeader("X-Header-Add", "some-other-value,add-appends-values"),
            request("/remove")
                    .header("X-Header-Remove", "val")
                    .backend("infra-backend-v1")
                    .absent("X-Header-Remove"),
            request("/multiple")
                    .header("X-Header-Set-2", "set-val-2")
                    .header("X-Header-Add-2", "add-val-2")
                    .header("X-Header-Remove-2", "remove-val-2")
                    .header("Another-Header", "another-header-val")
                    .backend("infra-backend-v1")
                    .expectHeader("X-Header-Set-1", "header-set-1")
                    .expectHeader("X-Header-Set-2", "header-set-2")
                    .expectHeader("X-Header-Add-1", "header-add-1")
                    .expectHeader("X-Header-Add-2", "add-val-2,header-add-2")
                    .expectHeader("X-Header-Add-3", "header-add-3")
                    .expectHeader("Another-Header", "another-header-val")
                    .absent("X-Header-Remove-1", "X-Header-Remove-2"),
            request("/case-insensitivity")
                    .header("x-header-set", "original-val-set")
                    .header("x-header-add", "original-val-add")
                    .header("x-header-remove", "original-val-remove")
                    .header("Another-Header", "another-header-val")
                    .backend("infra-backend-v1")
                    .expectHeader("X-Header-Set", "header-set")
                    .expectHeader("X-Header-Add", "original-val-add,header-add")
                    .expectHeader("Another-Header", "another-header-val")
                    .absent("x-header-remove", "X-Header-Remove"),
        };
    }
}
