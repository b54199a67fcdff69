package io.infergate.router.proxy;

import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http.ServerRequest;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Notices a client that goes away while the router waits on the upstream, so the upstream request
 * is cancelled at once instead of running until the route timeout (docs/adr/0018).
 *
 * <p>Why this is needed: Helidon sees a closed client connection only when it next writes to it,
 * and while the model server is in prefill nothing is written. How: the client socket is
 * registered with {@link Hangups} (epoll, {@code EPOLLRDHUP}) for the exchange's life. A FIN or a
 * reset from the client means it left, as for nginx: the exchange's thread is interrupted, which
 * closes the upstream connection it is blocked on (a virtual thread blocked in socket I/O closes
 * that socket when interrupted), and the model server sees the request cancelled. Nothing is read
 * from the client socket and ending a watch never waits for anything: the connection goes back to
 * Helidon as soon as the exchange ends, and pipelined requests stay where they are.
 *
 * <p>Helidon 4.5 exposes neither the connection's socket nor a disconnect callback, so the socket
 * is reached by reflection into its HTTP/1.1 request and NIO socket classes, and its file
 * descriptor through {@code sun.nio.ch} (exported to the router by its jar manifest, the image's
 * JVM options and the test configuration). When any of that fails (another Helidon or JDK version,
 * a missing flag, TLS, HTTP/2, not Linux) nothing is watched and a disconnect is noticed at the
 * next write, as before; this is logged once.
 */
final class ClientWatch {

    private static final Logger LOG = Logger.getLogger(ClientWatch.class.getName());
    private static final Optional<Access> ACCESS =
            Hangups.find().isPresent() ? Optional.ofNullable(Access.find()) : Optional.empty();

    private ClientWatch() {}

    /** A running watch; {@link #close()} it when the exchange ends, on the exchange's thread. */
    interface Watch extends AutoCloseable {
        /** Whether the client was seen to go away. */
        boolean gone();

        /**
         * Ends the watch: no interrupt lands after this, and one the watch caused is cleared.
         * Never waits for the client. Idempotent.
         */
        @Override
        void close();
    }

    private static final Watch NONE = new Watch() {
        @Override
        public boolean gone() {
            return false;
        }

        @Override
        public void close() {}
    };

    /** Whether watching works in this JVM (tests). */
    static boolean supported() {
        return ACCESS.isPresent();
    }

    /** Client sockets watched now, across every socket of the router (tests, metrics). */
    static int watched() {
        return Hangups.find().map(Hangups::watched).orElse(0);
    }

    /** The file descriptor number of a blocking socket channel, or -1 when not supported (tests). */
    static int fd(SocketChannel channel) {
        return ACCESS.map(a -> a.fd(channel)).orElse(-1);
    }

    /** A watch that watches nothing. */
    static Watch none() {
        return NONE;
    }

    /**
     * Starts watching the client connection of {@code req} for the calling thread's exchange; a
     * no-op watch when the connection cannot be reached or watched.
     */
    static Watch start(ServerRequest req) {
        if (ACCESS.isEmpty()) {
            return NONE;
        }
        int fd = ACCESS.get().fd(req);
        if (fd < 0) {
            return NONE;
        }
        return Running.start(Hangups.find().orElseThrow(), fd, Thread.currentThread());
    }

    /**
     * Watches one socket. The hang-up callback and {@link #close()} race for the state: the
     * callback interrupts the exchange only while it is {@code WATCHING}, and close waits out an
     * interrupt being delivered ({@code FIRING}, a few instructions) so that it can clear it.
     */
    static final class Running implements Watch {
        private static final int WATCHING = 0;
        private static final int FIRING = 1;
        private static final int DONE = 2;

        private final Hangups hangups;
        private final int fd;
        private final Thread exchange;
        private final AtomicInteger state = new AtomicInteger(WATCHING);
        private volatile boolean gone;
        /** Set once by {@link #start}; read by {@link #close} on the same thread. */
        private long key = -1;

        private boolean closed;

        private Running(Hangups hangups, int fd, Thread exchange) {
            this.hangups = hangups;
            this.fd = fd;
            this.exchange = exchange;
        }

        /** Watches {@code fd} for {@code exchange}; a no-op watch when it cannot be watched. */
        static Watch start(Hangups hangups, int fd, Thread exchange) {
            Running r = new Running(hangups, fd, exchange);
            r.key = hangups.watch(fd, r::hungUp);
            return r.key < 0 ? NONE : r;
        }

        private void hungUp() {
            gone = true;
            if (state.compareAndSet(WATCHING, FIRING)) {
                exchange.interrupt();
                state.set(DONE);
            }
        }

        @Override
        public boolean gone() {
            return gone;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (!state.compareAndSet(WATCHING, DONE)) {
                while (state.get() == FIRING) {
                    Thread.onSpinWait(); // the interrupt is being delivered: let it land, then clear it
                }
            }
            hangups.unwatch(fd, key);
            if (gone) {
                Thread.interrupted();
            }
        }
    }

    /**
     * The reflective way in; null when this Helidon or JDK does not have the expected shape or the
     * router lacks access. Helidon 4.5 serves HTTP/1.1 on an {@code NioSocket} over a blocking
     * {@link SocketChannel} (TLS sockets have another class and are not watched); the channel's
     * file descriptor number comes from {@code sun.nio.ch.SelChImpl.getFDVal()}.
     */
    private record Access(Class<?> request, VarHandle ctx, Class<?> nio, VarHandle channel, MethodHandle fdVal) {

        static Access find() {
            try {
                Class<?> request = Class.forName("io.helidon.webserver.http1.Http1ServerRequest");
                Class<?> nio = Class.forName("io.helidon.common.socket.NioSocket");
                Class<?> selCh = Class.forName("sun.nio.ch.SelChImpl");
                return new Access(
                        request,
                        MethodHandles.privateLookupIn(request, MethodHandles.lookup())
                                .findVarHandle(request, "ctx", ConnectionContext.class),
                        nio,
                        MethodHandles.privateLookupIn(nio, MethodHandles.lookup())
                                .findVarHandle(nio, "delegate", SocketChannel.class),
                        MethodHandles.lookup()
                                .findVirtual(selCh, "getFDVal", MethodType.methodType(int.class))
                                .asType(MethodType.methodType(int.class, SocketChannel.class)));
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.log(
                        Level.WARNING,
                        "cannot reach client sockets (another Helidon version, or the JVM lacks"
                                + " --add-exports=java.base/sun.nio.ch=ALL-UNNAMED): a client that goes away"
                                + " is noticed only at the next write of its response",
                        e);
                return null;
            }
        }

        /** The client socket's file descriptor number, or -1 (HTTP/2, TLS, closed). */
        int fd(ServerRequest req) {
            if (!request.isInstance(req)) {
                return -1; // HTTP/2
            }
            try {
                ConnectionContext connection = (ConnectionContext) ctx.get(req);
                Object helidon = connection.serverSocket();
                if (helidon.getClass() != nio) {
                    return -1; // TLS and plain sockets have another shape
                }
                return fd((SocketChannel) channel.get(helidon));
            } catch (RuntimeException e) {
                return -1;
            }
        }

        int fd(SocketChannel ch) {
            try {
                return (int) fdVal.invokeExact(ch);
            } catch (RuntimeException e) {
                return -1;
            } catch (Throwable e) {
                throw new IllegalStateException("cannot read a socket's file descriptor", e);
            }
        }
    }
}
