package io.infergate.router.proxy;

import io.helidon.common.buffers.DataReader;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http.ServerRequest;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Notices a client that goes away while the router waits on the upstream, so the upstream request
 * is cancelled at once instead of running until the route timeout.
 *
 * <p>Why this is needed: Helidon sees a closed client connection only when it next writes to it,
 * and while the model server is in prefill nothing is written. How: one virtual thread per watched
 * exchange blocks in a one-byte read on the client socket (the request has been read whole, so
 * the client has nothing more to send until the response is complete). End of stream or a reset
 * means the client is gone: the exchange's thread is interrupted, which closes the upstream
 * connection it is blocked on (a virtual thread blocked in socket I/O closes that socket when
 * interrupted), and the model server sees the request cancelled. A byte that arrives instead (a
 * pipelined request) ends the watch and is handed to Helidon's socket reader as its next byte.
 * The read waits at most {@code slice} at a time so that ending a watch never takes longer than
 * that (and returning the socket to Helidon never delays a next request: its first byte ends the
 * read at once). A parked virtual thread costs no CPU; each slice costs one wake-up.
 *
 * <p>Helidon 4.5 exposes neither the connection's socket nor a disconnect callback, so the socket
 * is reached by reflection into its HTTP/1.1 request and socket classes ({@link Access}). When that fails
 * (another Helidon version, TLS, HTTP/2) nothing is watched and a disconnect is noticed at the
 * next write, as before; this is logged once.
 */
final class ClientWatch {

    private static final Logger LOG = Logger.getLogger(ClientWatch.class.getName());
    private static final Access ACCESS = Access.find();

    private ClientWatch() {}

    /**
     * A running watch. {@link #disarm()} when the exchange is over (on its thread, before anything
     * else happens on it); {@link #close()} once the response is complete.
     */
    interface Watch extends AutoCloseable {
        /** Whether the client was seen to go away. */
        boolean gone();

        /** No interrupt after this; clears one the watch caused. Idempotent. */
        void disarm();

        /**
         * Disarms, then waits for the watcher to hand the socket back (at most one slice, less
         * when the client sends its next request or leaves): Helidon must not read the connection
         * while the watcher still does.
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
        public void disarm() {}

        @Override
        public void close() {}
    };

    /** Whether watching works on this Helidon (tests). */
    static boolean supported() {
        return ACCESS != null;
    }

    /** A watch that watches nothing. */
    static Watch none() {
        return NONE;
    }

    /**
     * Starts watching the client connection of {@code req} for the calling thread's exchange; a
     * no-op watch when the connection cannot be reached.
     */
    static Watch start(ServerRequest req, Duration slice) {
        if (ACCESS == null) {
            return NONE;
        }
        Optional<Reached> reached = ACCESS.reach(req);
        return reached.<Watch>map(r -> new Running(r, Thread.currentThread(), (int) Math.max(1, slice.toMillis())))
                .orElse(NONE);
    }

    /**
     * The client socket, a blocking stream over it that honours {@code SO_TIMEOUT}, and how to
     * give Helidon a byte the watch read (it becomes the next byte Helidon parses).
     */
    private record Reached(Socket socket, InputStream raw, java.util.function.IntConsumer pushBack) {}

    private static final class Running implements Watch {
        private static final int WATCHING = 0;
        private static final int FIRING = 1;
        private static final int DONE = 2;

        private final Reached reached;
        private final Thread exchange;
        private final AtomicInteger state = new AtomicInteger(WATCHING);
        private final Thread watcher;
        private volatile boolean gone;
        private volatile boolean stop;

        Running(Reached reached, Thread exchange, int sliceMillis) {
            this.reached = reached;
            this.exchange = exchange;
            this.watcher = Thread.ofVirtual().name("client-watch").start(() -> watch(sliceMillis));
        }

        private void watch(int sliceMillis) {
            int original;
            try {
                original = reached.socket().getSoTimeout();
                reached.socket().setSoTimeout(sliceMillis);
            } catch (IOException e) {
                return;
            }
            try {
                while (!stop) {
                    int b;
                    try {
                        b = reached.raw().read();
                    } catch (SocketTimeoutException e) {
                        continue;
                    } catch (IOException e) {
                        b = -1; // reset: gone as well
                    }
                    if (b >= 0) {
                        reached.pushBack().accept(b);
                        return;
                    }
                    gone = true;
                    if (state.compareAndSet(WATCHING, FIRING)) {
                        exchange.interrupt();
                        state.set(DONE);
                    }
                    return;
                }
            } finally {
                try {
                    reached.socket().setSoTimeout(original);
                } catch (IOException ignored) {
                    // the socket is closed: nothing to restore
                }
            }
        }

        @Override
        public boolean gone() {
            return gone;
        }

        @Override
        public void disarm() {
            if (!state.compareAndSet(WATCHING, DONE)) {
                while (state.get() == FIRING) {
                    Thread.onSpinWait(); // the interrupt is being delivered: let it land, then clear it
                }
            }
            if (gone) {
                Thread.interrupted();
            }
        }

        @Override
        public void close() {
            disarm();
            stop = true;
            boolean interrupted = false;
            while (true) {
                try {
                    watcher.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted && !gone) {
                Thread.currentThread().interrupt(); // not ours: keep it
            }
        }
    }

    /**
     * The reflective way in; null when this Helidon does not have the expected shape. Helidon 4.5
     * serves HTTP/1.1 on an {@code NioSocket} (a blocking {@link SocketChannel}) or, with
     * {@code use-nio: false}, a {@code PlainSocket} (a {@link Socket}); either way the connection's
     * bytes are parsed from its {@link DataReader}, a list of byte arrays, so a byte the watch read
     * is appended there as one more array.
     */
    private record Access(
            Class<?> request,
            VarHandle ctx,
            Class<?> nio,
            VarHandle channel,
            Class<?> plain,
            VarHandle socket,
            VarHandle tail,
            VarHandle nodeNext,
            MethodHandle newNode) {

        static Access find() {
            try {
                Class<?> request = Class.forName("io.helidon.webserver.http1.Http1ServerRequest");
                Class<?> nio = Class.forName("io.helidon.common.socket.NioSocket");
                Class<?> plain = Class.forName("io.helidon.common.socket.PlainSocket");
                Class<?> node = Class.forName("io.helidon.common.buffers.DataReader$Node");
                MethodHandles.Lookup inReader = MethodHandles.privateLookupIn(DataReader.class, MethodHandles.lookup());
                MethodHandles.Lookup inNode = MethodHandles.privateLookupIn(node, MethodHandles.lookup());
                return new Access(
                        request,
                        MethodHandles.privateLookupIn(request, MethodHandles.lookup())
                                .findVarHandle(request, "ctx", ConnectionContext.class),
                        nio,
                        MethodHandles.privateLookupIn(nio, MethodHandles.lookup())
                                .findVarHandle(nio, "delegate", SocketChannel.class),
                        plain,
                        MethodHandles.privateLookupIn(plain, MethodHandles.lookup())
                                .findVarHandle(plain, "delegate", Socket.class),
                        inReader.findVarHandle(DataReader.class, "tail", node),
                        inNode.findVarHandle(node, "next", node),
                        inNode.findConstructor(
                                node, MethodType.methodType(void.class, DataReader.class, byte[].class)));
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.log(
                        Level.WARNING,
                        "cannot reach client sockets on this Helidon version: a client that goes away"
                                + " is noticed only at the next write of its response",
                        e);
                return null;
            }
        }

        Optional<Reached> reach(ServerRequest req) {
            if (!request.isInstance(req)) {
                return Optional.empty(); // HTTP/2
            }
            try {
                ConnectionContext connection = (ConnectionContext) ctx.get(req);
                Object helidon = connection.serverSocket();
                Socket s;
                if (helidon.getClass() == nio) {
                    s = ((SocketChannel) channel.get(helidon)).socket();
                } else if (helidon.getClass() == plain) {
                    s = (Socket) socket.get(helidon);
                } else {
                    return Optional.empty(); // TLS sockets have another shape
                }
                DataReader reader = connection.dataReader();
                if (reader.available() > 0) {
                    // the client pipelined its next request and Helidon holds it already: the
                    // socket stays quiet until that is answered, so a watch would only hold the
                    // connection up for a slice per request (and the client is plainly still there)
                    return Optional.empty();
                }
                return Optional.of(new Reached(s, s.getInputStream(), b -> append(reader, (byte) b)));
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }

        /** What {@link DataReader#pullData()} does with the bytes it reads, for one byte. */
        private void append(DataReader reader, byte b) {
            try {
                Object node = newNode.invoke(reader, new byte[] {b});
                nodeNext.set(tail.get(reader), node);
                tail.set(reader, node);
            } catch (Throwable e) {
                throw new IllegalStateException("cannot hand a byte back to Helidon", e);
            }
        }
    }
}
