package io.infergate.router.tls;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.infergate.common.snapshot.ListenerRef;
import io.infergate.router.inference.ErrorBody;
import io.infergate.router.match.HostHeader;
import io.infergate.router.match.ListenerTable;
import io.infergate.router.match.SocketTable;
import io.infergate.router.observe.AccessLog;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Answers 421 Misdirected Request (RFC 9110 section 15.5.20) when the listener a TLS connection's
 * SNI selected is not the listener the request's Host selects: the client reused a connection (or
 * sent a name) for an origin this connection's certificate was not chosen for, and serving it
 * would bypass listener isolation. Connections without SNI, or whose SNI named no listener, are
 * not checked: there is nothing to disagree with. The Gateway API conformance test
 * HTTPRouteHTTPSListenerDetectMisdirectedRequests pins the rows. Each 421 gets its access log
 * line (no rule, no endpoint), as every answer to a public request does.
 */
public final class MisdirectedRequests implements Filter {

    /** The error code of the 421 body. */
    public static final String MISDIRECTED = "misdirected_request";

    /** The request id header every public response carries (as the gateway handler sets it). */
    private static final String X_REQUEST_ID = "x-request-id";

    private final ServerTls tls;
    private final Supplier<Optional<SocketTable>> table;
    private final Consumer<AccessLog.Entry> accessLog;

    /**
     * @param tls       the socket's TLS, which knows which listener each connection's SNI selected
     * @param table     the socket's listener selection in the snapshot being served
     * @param accessLog where each 421 is logged
     */
    public MisdirectedRequests(
            ServerTls tls, Supplier<Optional<SocketTable>> table, Consumer<AccessLog.Entry> accessLog) {
        this.tls = tls;
        this.table = table;
        this.accessLog = accessLog;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        Optional<ListenerRef> bySni = req.localPeer().tlsCertificates().flatMap(tls::sniListener);
        if (bySni.isPresent()) {
            String host = HostHeader.normalize(req.authority());
            Optional<ListenerRef> byHost =
                    table.get().flatMap(t -> t.listenerFor(host)).map(ListenerTable::listener);
            if (!byHost.equals(bySni)) {
                long start = System.nanoTime();
                String requestId = req.headers()
                        .first(HeaderNames.create(X_REQUEST_ID))
                        .orElseGet(io.infergate.router.proxy.RequestIds::next);
                res.header(X_REQUEST_ID, requestId);
                ErrorBody body = ErrorBody.of(
                        421,
                        MISDIRECTED,
                        "this connection's server name (SNI) selects another listener than Host '" + host
                                + "': open a new connection for that host");
                res.status(Status.create(421, "Misdirected Request"));
                res.header(HeaderValues.CONTENT_TYPE_JSON);
                res.send(body.toJson());
                accessLog.accept(new AccessLog.Entry(
                        requestId,
                        req.prologue().method().text(),
                        host,
                        req.prologue().uriPath().rawPath(),
                        null,
                        null,
                        421,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                        -1));
                return;
            }
        }
        chain.proceed();
    }
}
