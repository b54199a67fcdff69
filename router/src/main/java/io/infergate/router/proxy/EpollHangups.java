package io.infergate.router.proxy;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@link Hangups} on Linux: one epoll instance and one platform daemon thread blocked in
 * {@code epoll_wait}, reached through the FFM API (compiled for Java 22, where it is final; the
 * rest of the router targets 21 and loads this class by name).
 *
 * <p>Each watched socket is registered with {@code EPOLLRDHUP | EPOLLONESHOT} only. Not
 * {@code EPOLLIN}: bytes of a pipelined request never wake the watcher, and nothing is ever read
 * from the socket, so the connection stays Helidon's alone. {@code EPOLLHUP} and {@code EPOLLERR}
 * (a reset) are always reported. One-shot: a hang-up is reported once, then the registration
 * stays disabled until {@link #unwatch} removes it. The registration's data is a key never used
 * twice, so an event that races with {@link #unwatch} finds no entry and is dropped.
 *
 * <p>File descriptor numbers are reused. The kernel drops a registration by itself when the socket
 * is closed, and a new socket may get the same number and its own registration; {@link #unwatch}
 * of the old one must not remove the new one. So each number maps to the key that registered it
 * last, and registering and removing a number happen under that number's lock (striped).
 */
@SuppressWarnings("restricted") // native access is granted by the launch flags (docs/adr/0018)
final class EpollHangups implements Hangups {

    private static final Logger LOG = Logger.getLogger(EpollHangups.class.getName());

    private static final int EPOLL_CLOEXEC = 0x80000;
    private static final int EPOLL_CTL_ADD = 1;
    private static final int EPOLL_CTL_DEL = 2;
    private static final int EPOLL_CTL_MOD = 3;
    private static final int EPOLLRDHUP = 0x2000;
    private static final int EPOLLONESHOT = 1 << 30;
    private static final int EINTR = 4;
    private static final int EEXIST = 17;
    private static final int BATCH = 64;

    /** {@code struct epoll_event} is packed on x86-64 (12 bytes), naturally aligned elsewhere (16). */
    private static final boolean PACKED = switch (System.getProperty("os.arch", "")) {
        case "amd64", "x86_64" -> true;
        default -> false;
    };

    private static final long EVENT_SIZE = PACKED ? 12 : 16;
    private static final long DATA_OFFSET = PACKED ? 4 : 8;

    private static final MethodHandle EPOLL_CREATE1;
    private static final MethodHandle EPOLL_CTL;
    private static final MethodHandle EPOLL_WAIT;
    private static final MemoryLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno")).withInvokeExactBehavior();

    static {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        Linker.Option errno = Linker.Option.captureCallState("errno");
        EPOLL_CREATE1 = linker.downcallHandle(
                libc.find("epoll_create1").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
                errno);
        EPOLL_CTL = linker.downcallHandle(
                libc.find("epoll_ctl").orElseThrow(),
                FunctionDescriptor.of(
                        ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS),
                errno);
        EPOLL_WAIT = linker.downcallHandle(
                libc.find("epoll_wait").orElseThrow(),
                FunctionDescriptor.of(
                        ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS,
                        ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT),
                errno);
    }

    private final int epfd;
    private final AtomicLong keys = new AtomicLong();
    private final Map<Long, Runnable> callbacks = new ConcurrentHashMap<>();
    /** The key each watched file descriptor number was registered with last. */
    private final Map<Integer, Long> byFd = new ConcurrentHashMap<>();

    private final Object[] locks = new Object[64];
    private volatile boolean broken;

    EpollHangups() {
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int fd = (int) EPOLL_CREATE1.invokeExact(state, EPOLL_CLOEXEC);
            if (fd < 0) {
                throw new IllegalStateException("epoll_create1 failed, errno " + errno(state));
            }
            this.epfd = fd;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
        Thread.ofPlatform().daemon().name("client-hangups").start(this::run);
    }

    @Override
    public long watch(int fd, Runnable onHangup) {
        if (broken || callbacks.size() >= CAPACITY) {
            return -1;
        }
        long key = keys.incrementAndGet();
        callbacks.put(key, onHangup);
        synchronized (locks[fd & (locks.length - 1)]) {
            int errno = ctl(EPOLL_CTL_ADD, fd, EPOLLRDHUP | EPOLLONESHOT, key);
            if (errno == EEXIST) { // left by a watch whose unwatch lost the race to this one: re-arm
                errno = ctl(EPOLL_CTL_MOD, fd, EPOLLRDHUP | EPOLLONESHOT, key);
            }
            if (errno != 0) {
                callbacks.remove(key);
                return -1;
            }
            byFd.put(fd, key);
        }
        return key;
    }

    @Override
    public void unwatch(int fd, long key) {
        if (key < 0) {
            return;
        }
        callbacks.remove(key);
        synchronized (locks[fd & (locks.length - 1)]) {
            if (byFd.remove(fd, key)) {
                ctl(EPOLL_CTL_DEL, fd, 0, 0); // ENOENT, EBADF: closed meanwhile, the kernel dropped it
            }
        }
    }

    @Override
    public int watched() {
        return callbacks.size();
    }

    /** {@code epoll_ctl}; 0 or the errno. */
    private int ctl(int op, int fd, int events, long data) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment event = arena.allocate(EVENT_SIZE, 8);
            event.set(ValueLayout.JAVA_INT, 0, events);
            event.set(ValueLayout.JAVA_LONG_UNALIGNED, DATA_OFFSET, data);
            int r = (int) EPOLL_CTL.invokeExact(state, epfd, op, fd, event);
            return r == 0 ? 0 : errno(state);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private void run() {
        MemorySegment state = Arena.global().allocate(CAPTURE);
        MemorySegment events = Arena.global().allocate(EVENT_SIZE * BATCH, 8);
        while (true) {
            int n;
            try {
                n = (int) EPOLL_WAIT.invokeExact(state, epfd, events, BATCH, -1);
            } catch (Throwable e) {
                fail(e.toString());
                return;
            }
            if (n < 0) {
                int errno = errno(state);
                if (errno == EINTR) {
                    continue;
                }
                fail("epoll_wait failed, errno " + errno);
                return;
            }
            for (int i = 0; i < n; i++) {
                long key = events.get(ValueLayout.JAVA_LONG_UNALIGNED, i * EVENT_SIZE + DATA_OFFSET);
                Runnable onHangup = callbacks.remove(key);
                if (onHangup != null) {
                    try {
                        onHangup.run();
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "a client hang-up callback failed", e);
                    }
                }
            }
        }
    }

    /** Stops watching for good (nothing is cancelled early any more); logged. */
    private void fail(String why) {
        broken = true;
        LOG.warning("client connections are no longer watched: " + why);
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }
}
