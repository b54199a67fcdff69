package io.infergate.common.http;

import io.helidon.http.BadRequestException;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * The first filter of every listener. Three rules, each closing a hole of Helidon 4.5.0's HTTP/1
 * connection loop (ADR 0011):
 * <ol>
 *   <li>A response that says {@code Connection: close} closes the connection. Helidon writes the
 *       header but keeps reading the socket, so the bytes after an error (the rest of a refused
 *       chunked body, say) were parsed as the next request: request smuggling.</li>
 *   <li>An error response (status >= 400) sent before the request body was read to its end says
 *       {@code Connection: close} (rule 1 then closes): the rest of the body is never parsed, and
 *       a malformed body cannot be skipped into a new request.</li>
 *   <li>The method must be an RFC 9110 token: Helidon accepts an empty one (and serves it).</li>
 * </ol>
 * On HTTP/2 the first two rules do not apply: every request is a stream with its own framing, so
 * a rejected body cannot be read as a new request, and {@code Connection} is a forbidden header
 * there (RFC 9113 section 8.2.2); closing the connection would end every other stream on it.
 */
public final class ConnectionGuard implements Filter {

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (!isToken(req.prologue().method().text())) {
            throw new BadRequestException("invalid method token");
        }
        if (isHttp2(req)) {
            chain.proceed();
            return;
        }
        res.beforeSend(() -> {
            if (res.status().code() >= 400 && !req.content().consumed()) {
                res.header(HeaderValues.CONNECTION_CLOSE);
            }
        });
        chain.proceed();
        if (res.headers().containsToken(HeaderValues.CONNECTION_CLOSE)) {
            throw new CloseConnectionException("the response said Connection: close");
        }
    }

    /** Whether the request is an HTTP/2 stream. */
    public static boolean isHttp2(RoutingRequest req) {
        return "2.0".equals(req.prologue().protocolVersion());
    }

    /** RFC 9110 section 5.6.2: {@code token = 1*tchar}. */
    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean tchar = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!tchar) {
                return false;
            }
        }
        return true;
    }
}
