package io.infergate.common.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * HTTP/1.1 for a listener with chunk extensions ignored and trailers dropped, as RFC 9112 asks:
 * Helidon's own HTTP/1 connection reads the bytes a {@link ChunkRewriter} hands it instead of the
 * socket's (ADR 0011), and is idle only between requests ({@link IdleBetweenRequests}). Everything
 * else about the connection (writer, socket, listeners, limits) is Helidon's, unchanged.
 */
public final class ChunkedFraming implements ServerConnectionSelector {

    private final ServerConnectionSelector http1;
    /** Serves connections whose TLS handshake negotiated {@code h2} (ALPN); null when none. */
    private final ServerConnectionSelector h2;
    /** Bounds the TLS handshake; null on cleartext listeners. */
    private final ConnectionWatchdog watchdog;

    private ChunkedFraming(Http1Config config, ServerConnectionSelector h2, ConnectionWatchdog watchdog) {
        this.http1 = Http1ConnectionSelector.builder().config(config).build();
        this.h2 = h2;
        this.watchdog = watchdog;
    }

    /**
     * Serves HTTP/1.1 on the server being built with {@code http1} and the chunk rewriting; use it
     * instead of {@code server.addProtocol(http1)} (with {@code protocolsDiscoverServices(false)},
     * this is then the listener's only protocol).
     */
    public static void install(WebServerConfig.Builder server, Http1Config http1) {
        server.addConnectionSelector(new ChunkedFraming(http1, null, null));
    }

    /**
     * As {@link #install(WebServerConfig.Builder, Http1Config)}, and offers {@code h2} in the TLS
     * handshake (ALPN): a connection that negotiated it is served by {@code h2}'s connection, idle
     * only between streams. One selector for both, so that Helidon never has to guess a
     * connection's protocol from its first bytes: with two candidates it waits for those bytes
     * before the connection exists, outside every idle sweep, and a client that sends nothing would
     * hold its connection forever. Clients without ALPN get HTTP/1.1 (RFC 9113 section 3.2: h2
     * over TLS is negotiated with ALPN); h2c is not offered.
     *
     * <p>Helidon's TLS socket handshakes on its first read, so the negotiated protocol is known
     * only after it: this selector reads first, under {@code watchdog}'s TLS handshake timeout,
     * which therefore bounds the handshake and the wait for the first request bytes (a client that
     * opens TCP and never sends its ClientHello, or never a request, is closed).
     */
    public static void install(
            WebServerConfig.Builder server,
            Http1Config http1,
            ServerConnectionSelector h2,
            ConnectionWatchdog watchdog) {
        server.addConnectionSelector(new ChunkedFraming(http1, h2, watchdog));
    }

    @Override
    public int bytesToIdentifyConnection() {
        return http1.bytesToIdentifyConnection();
    }

    @Override
    public Support supports(BufferData data) {
        return http1.supports(data);
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        if (h2 == null) {
            return http1.supportedApplicationProtocols();
        }
        // the server's ALPN choice takes the client's first protocol that is in this set
        Set<String> both = new LinkedHashSet<>(h2.supportedApplicationProtocols());
        both.addAll(http1.supportedApplicationProtocols());
        return both;
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        HelidonSocket socket = ctx.serverSocket();
        if (watchdog != null && ctx.isSecure()) {
            watchdog.awaitHandshake(ctx);
        }
        if (h2 != null
                && socket.protocolNegotiated()
                && h2.supportedApplicationProtocols().contains(socket.protocol())) {
            return IdleBetweenRequests.wrap(h2.connection(ctx));
        }
        return IdleBetweenRequests.wrap(http1.connection(new Rewritten(ctx)));
    }

    /** The connection's context with a reader that passes the socket's bytes through a rewriter. */
    private static final class Rewritten implements ConnectionContext {
        private final ConnectionContext ctx;
        private final DataReader reader;

        Rewritten(ConnectionContext ctx) {
            this.ctx = ctx;
            DataReader socket = ctx.dataReader();
            ChunkRewriter rewriter = new ChunkRewriter();
            this.reader = DataReader.create(() -> {
                while (true) {
                    byte[] in;
                    try {
                        socket.ensureAvailable();
                        in = socket.readBytes(socket.available());
                    } catch (DataReader.InsufficientDataAvailableException e) {
                        return null; // the client closed its side
                    }
                    byte[] out = rewriter.rewrite(in);
                    if (out.length > 0) {
                        return out;
                    }
                }
            });
        }

        @Override
        public ListenerContext listenerContext() {
            return ctx.listenerContext();
        }

        @Override
        public ExecutorService executor() {
            return ctx.executor();
        }

        @Override
        public DataWriter dataWriter() {
            return ctx.dataWriter();
        }

        @Override
        public DataReader dataReader() {
            return reader;
        }

        @Override
        public Router router() {
            return ctx.router();
        }

        @Override
        public Optional<ProxyProtocolData> proxyProtocolData() {
            return ctx.proxyProtocolData();
        }

        @Override
        public HelidonSocket serverSocket() {
            return ctx.serverSocket();
        }

        @Override
        public PeerInfo remotePeer() {
            return ctx.remotePeer();
        }

        @Override
        public PeerInfo localPeer() {
            return ctx.localPeer();
        }

        @Override
        public boolean isSecure() {
            return ctx.isSecure();
        }

        @Override
        public String socketId() {
            return ctx.socketId();
        }

        @Override
        public String childSocketId() {
            return ctx.childSocketId();
        }
    }
}
