package io.infergate.router.scrape;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * Client TLS over one non-blocking connection of the scrape loop: an {@link SSLEngine} and its
 * buffers, driven by the loop's readiness events (never blocking, never a thread of its own).
 *
 * <p>Rules: every call consumes what the socket has and unwraps all of it before returning,
 * because bytes left in {@link #netIn} would raise no readiness event; delegated tasks (the
 * certificate checks of the BackendTLSPolicy's trust manager) run inline on the loop, which is
 * where a scrape's cost is counted anyway; a failed check surfaces as an {@link SSLException}
 * that fails the scrape like any other I/O error.
 */
final class TlsSession {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SSLEngine engine;
    /** Bytes read and not yet unwrapped; kept in write mode (data from 0 to position). */
    private ByteBuffer netIn;
    /** Wrapped bytes not yet written; kept in read mode. */
    private final ByteBuffer netOut;
    /** Plaintext of the latest {@link #read}; in write mode while unwrapping. */
    private ByteBuffer appIn;

    /** Starts the handshake of a client engine (before it, the engine reports NOT_HANDSHAKING). */
    TlsSession(SSLEngine engine) throws SSLException {
        this.engine = engine;
        engine.setUseClientMode(true);
        engine.beginHandshake();
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(packet);
        this.netOut = ByteBuffer.allocate(packet).flip();
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
    }

    /**
     * Advances the handshake as far as the socket allows.
     *
     * @return 0 when the handshake is done, else the interest ({@link SelectionKey#OP_READ} or
     *     {@link SelectionKey#OP_WRITE}) to wait for
     * @throws SSLException on a certificate that does not verify or any other TLS failure
     */
    int handshake(SocketChannel channel) throws IOException {
        while (true) {
            if (netOut.hasRemaining()) {
                channel.write(netOut);
                if (netOut.hasRemaining()) {
                    return SelectionKey.OP_WRITE;
                }
            }
            switch (engine.getHandshakeStatus()) {
                case NEED_TASK -> runTasks();
                case NEED_WRAP -> wrap(EMPTY);
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (!unwrapOnce()) {
                        int n = channel.read(netIn);
                        if (n < 0) {
                            throw new EOFException("connection closed during the TLS handshake");
                        }
                        if (n == 0) {
                            return SelectionKey.OP_READ;
                        }
                    }
                }
                case FINISHED, NOT_HANDSHAKING -> {
                    return 0;
                }
            }
        }
    }

    /**
     * Encrypts all of {@code plain} and writes what the socket takes.
     *
     * @return true when everything is written, false when {@link #flush} must finish on OP_WRITE
     */
    boolean write(SocketChannel channel, ByteBuffer plain) throws IOException {
        while (plain.hasRemaining()) {
            if (netOut.hasRemaining() && !flush(channel)) {
                // the request (~150 bytes) is one record: not reached in practice, but never lose bytes
                throw new IOException("TLS record backlog while writing the request");
            }
            if (wrap(plain).bytesConsumed() == 0) {
                throw new SSLException("the TLS engine took none of the request (" + engine.getHandshakeStatus() + ")");
            }
        }
        return flush(channel);
    }

    /** Writes the wrapped bytes still pending; true when none are left. */
    boolean flush(SocketChannel channel) throws IOException {
        if (netOut.hasRemaining()) {
            channel.write(netOut);
        }
        return !netOut.hasRemaining();
    }

    /**
     * Reads what the socket has and decrypts all of it.
     *
     * @return the plaintext (read mode; possibly empty, e.g. for a session ticket), or
     *     {@code null} when the peer closed the connection (end of stream or close_notify) and
     *     nothing more is left to decrypt
     */
    ByteBuffer read(SocketChannel channel) throws IOException {
        int n = channel.read(netIn);
        appIn.clear();
        boolean closed = false;
        while (netIn.position() > 0) {
            netIn.flip();
            SSLEngineResult r;
            try {
                r = engine.unwrap(netIn, appIn);
            } finally {
                netIn.compact();
            }
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                ByteBuffer bigger = ByteBuffer.allocate(appIn.capacity() * 2);
                appIn.flip();
                bigger.put(appIn);
                appIn = bigger;
                continue;
            }
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                growNetInIfFull();
                break;
            }
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                closed = true;
                break;
            }
            afterUnwrap(channel, r);
            if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                break;
            }
        }
        appIn.flip();
        if ((n < 0 || closed) && !appIn.hasRemaining()) {
            return null;
        }
        return appIn;
    }

    /** Tells the peer the connection ends (best effort: one write, never waits). */
    void close(SocketChannel channel) {
        engine.closeOutbound();
        try {
            netOut.clear();
            engine.wrap(EMPTY, netOut);
            netOut.flip();
            channel.write(netOut);
        } catch (IOException | RuntimeException ignored) {
            // closing anyway
        }
    }

    /** Post-handshake messages (TLS 1.3 session tickets, key updates) after a read. */
    private void afterUnwrap(SocketChannel channel, SSLEngineResult r) throws IOException {
        SSLEngineResult.HandshakeStatus hs = r.getHandshakeStatus();
        while (hs == SSLEngineResult.HandshakeStatus.NEED_TASK || hs == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
            if (hs == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                runTasks();
            } else {
                wrap(EMPTY);
                flush(channel);
            }
            hs = engine.getHandshakeStatus();
        }
    }

    /** One unwrap of buffered bytes during the handshake; false when more bytes must be read first. */
    private boolean unwrapOnce() throws SSLException {
        netIn.flip();
        SSLEngineResult r;
        try {
            r = engine.unwrap(netIn, appIn);
        } finally {
            netIn.compact();
        }
        return switch (r.getStatus()) {
            case OK -> true;
            case BUFFER_UNDERFLOW -> {
                growNetInIfFull();
                yield false;
            }
            case BUFFER_OVERFLOW -> throw new SSLException("application data during the TLS handshake");
            case CLOSED -> throw new SSLException("the server closed the connection during the TLS handshake");
        };
    }

    private SSLEngineResult wrap(ByteBuffer plain) throws SSLException {
        netOut.compact();
        SSLEngineResult r;
        try {
            r = engine.wrap(plain, netOut);
        } finally {
            netOut.flip();
        }
        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
            throw new SSLException("the TLS connection is closed");
        }
        if (r.getStatus() != SSLEngineResult.Status.OK) {
            throw new SSLException("cannot wrap: " + r.getStatus());
        }
        return r;
    }

    private void growNetInIfFull() {
        if (!netIn.hasRemaining()) {
            ByteBuffer bigger = ByteBuffer.allocate(netIn.capacity() * 2);
            netIn.flip();
            bigger.put(netIn);
            netIn = bigger;
        }
    }

    private void runTasks() {
        for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
            task.run();
        }
    }
}
