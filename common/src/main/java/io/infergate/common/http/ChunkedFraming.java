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

    private ChunkedFraming(Http1Config config) {
        this.http1 = Http1ConnectionSelector.builder().config(config).build();
    }

    /**
     * Serves HTTP/1.1 on the server being built with {@code http1} and the chunk rewriting; use it
     * instead of {@code server.addProtocol(http1)} (with {@code protocolsDiscoverServices(false)},
     * this is then the listener's only protocol).
     */
    public static void install(WebServerConfig.Builder server, Http1Config http1) {
        server.addConnectionSelector(new ChunkedFraming(http1));
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
        return http1.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
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
