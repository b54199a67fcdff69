package io.infergate.router.proxy;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tells when the peer of a socket hangs up (sends FIN or RST), without reading from the socket
 * and without a thread per socket: the contract {@link ClientWatch} needs, with one
 * implementation on Linux ({@code EpollHangups}, libc epoll through the FFM API). Where that is
 * not available ({@link #find()} is empty), clients are not watched.
 */
interface Hangups {

    /** Watches at most this many sockets at once; more are simply not watched. */
    int CAPACITY = 65_536;

    /**
     * Starts watching {@code fd}; {@code onHangup} runs at most once, on the watcher's thread, when
     * its peer hangs up, and must be quick. Returns the key for {@link #unwatch}, or -1 when the
     * socket cannot be watched (full, or the kernel refused).
     */
    long watch(int fd, Runnable onHangup);

    /**
     * Stops watching: after this returns, {@code onHangup} of this key never starts. Never blocks
     * on the peer; a socket closed meanwhile is fine.
     */
    void unwatch(int fd, long key);

    /** Sockets watched now. */
    int watched();

    /** The implementation for this platform, loaded by name (it is compiled for Java 22). */
    static java.util.Optional<Hangups> find() {
        return Found.INSTANCE;
    }

    /** Loads the implementation once; a platform without one is logged once. */
    final class Found {
        private static final Logger LOG = Logger.getLogger(Hangups.class.getName());
        static final java.util.Optional<Hangups> INSTANCE = load();

        private Found() {}

        private static java.util.Optional<Hangups> load() {
            String os = System.getProperty("os.name", "");
            if (!os.toLowerCase(java.util.Locale.ROOT).startsWith("linux")) {
                LOG.info("clients are not watched on " + os + " (needs Linux epoll): a client that goes away"
                        + " is noticed at the next write of its response");
                return java.util.Optional.empty();
            }
            try {
                return java.util.Optional.of(Class.forName("io.infergate.router.proxy.EpollHangups")
                        .asSubclass(Hangups.class)
                        .getDeclaredConstructor()
                        .newInstance());
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                LOG.log(
                        Level.WARNING,
                        "cannot watch client connections (needs Java 22+ and --enable-native-access=ALL-UNNAMED):"
                                + " a client that goes away is noticed at the next write of its response",
                        e);
                return java.util.Optional.empty();
            }
        }
    }
}
