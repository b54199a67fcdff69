package io.infergate.router.tls;

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

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Answers 421 Misdirected Request (RFC 9110 section 15.5.20) when the listener a TLS connection's
 * SNI selected is not the listener the request's Host selects: the client reused a connection (or
 * sent a name) for an origin this connection's certificate was not chosen for, and serving it
 * would bypass listener isolation. Connections without SNI, or whose SNI named no listener, are
 * not checked: there is nothing to disagree with. The Gateway API conformance test
 * HTTPRouteHTTPSListenerDetectMisdirectedRequests pins the rows.
 */
public final class MisdirectedRequests implements Filter {

    /** The error code of the 421 body. */
    public static final String MISDIRECTED = "misdirected_request";

    private final ServerTls tls;
    private final Supplier<Optional<SocketTable>> table;

    /**
     * @param tls   the socket's TLS, which knows which listener each connection's SNI selected
     * @param table the socket's listener selection in the snapshot being served
     */
    public MisdirectedRequests(ServerTls tls, Supplier<Optional<SocketTable>> table) {
        this.tls = tls;
        this.table = table;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        Optional<ListenerRef> bySni = req.localPeer().tlsCertificates().flatMap(tls::sniListener);
        if (bySni.isPresent()) {
            String host = HostHeader.normalize(req.authority());
            Optional<ListenerRef> byHost =
                    table.get().flatMap(t -> t.listenerFor(host)).map(ListenerTable::listener);
            if (!byHost.equals(bySni)) {
                ErrorBody body = ErrorBody.of(
                        421,
                        MISDIRECTED,
                        "this connection's server name (SNI) selects another listener than Host '" + host
                                + "': open a new connection for that host");
                res.status(Status.create(421, "Misdirected Request"));
                res.header(HeaderValues.CONTENT_TYPE_JSON);
                res.send(body.toJson());
                return;
            }
        }
        chain.proceed();
    }
}
