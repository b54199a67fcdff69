package io.infergate.router.proxy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Hangups} (epoll on Linux) over real loopback connections: a peer's FIN or reset is
 * reported once; bytes from the peer wake nothing and stay unread; ending a watch takes effect at
 * once; a stale key never removes a newer watch of the same file descriptor. "Nothing happened"
 * is decided by ordering, never by waiting: a second connection's hang-up, caused after the bytes
 * or the unwatch under test, is reported through the same watcher thread first.
 */
class HangupsTest {

    private final List<SocketChannel> open = new ArrayList<>();
    private ServerSocketChannel server;
    private Hangups hangups;

    @BeforeEach
    void start() throws IOException {
        assertTrue(ClientWatch.supported(), "client watching works on this JVM (Linux, flags from the pom)");
        hangups = Hangups.find().orElseThrow();
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void stop() throws IOException {
        for (SocketChannel c : open) {
            c.close();
        }
        server.close();
    }

    /** A connected pair: [0] the router's side (watched), [1] the client's. */
    private SocketChannel[] pair() throws IOException {
        SocketChannel client = SocketChannel.open(server.getLocalAddress());
        SocketChannel accepted = server.accept();
        open.add(client);
        open.add(accepted);
        return new SocketChannel[] {accepted, client};
    }

    private static int fd(SocketChannel c) {
        int fd = ClientWatch.fd(c);
        assertTrue(fd >= 0, "file descriptor of " + c);
        return fd;
    }

    /** Watches a fresh connection, makes its client leave and waits until that is reported. */
    private void sentinelHangUp() throws Exception {
        SocketChannel[] s = pair();
        CountDownLatch fired = new CountDownLatch(1);
        long key = hangups.watch(fd(s[0]), fired::countDown);
        assertTrue(key >= 0);
        s[1].shutdownOutput();
        assertTrue(fired.await(10, TimeUnit.SECONDS), "the sentinel's FIN was reported");
        hangups.unwatch(fd(s[0]), key);
    }

    @Test
    void aFinFromThePeerIsReportedOnce() throws Exception {
        SocketChannel[] s = pair();
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch fired = new CountDownLatch(1);
        int before = hangups.watched();
        long key = hangups.watch(fd(s[0]), () -> {
            calls.incrementAndGet();
            fired.countDown();
        });
        assertEquals(before + 1, hangups.watched());
        s[1].shutdownOutput();
        assertTrue(fired.await(10, TimeUnit.SECONDS), "FIN reported");
        assertEquals(before, hangups.watched(), "a reported watch is no longer counted");
        s[1].close(); // more from the same peer: one-shot, nothing more is reported
        sentinelHangUp();
        assertEquals(1, calls.get());
        hangups.unwatch(fd(s[0]), key);
    }

    @Test
    void aResetIsReported() throws Exception {
        SocketChannel[] s = pair();
        CountDownLatch fired = new CountDownLatch(1);
        long key = hangups.watch(fd(s[0]), fired::countDown);
        s[1].setOption(StandardSocketOptions.SO_LINGER, 0);
        s[1].close(); // linger 0: RST instead of FIN
        assertTrue(fired.await(10, TimeUnit.SECONDS), "RST reported");
        hangups.unwatch(fd(s[0]), key);
    }

    @Test
    void bytesFromThePeerWakeNothingAndStayUnread() throws Exception {
        SocketChannel[] s = pair();
        AtomicInteger calls = new AtomicInteger();
        long key = hangups.watch(fd(s[0]), calls::incrementAndGet);
        byte[] next = "GET /next HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        s[1].write(ByteBuffer.wrap(next));
        sentinelHangUp();
        assertEquals(0, calls.get(), "a pipelined request is not a hang-up");
        hangups.unwatch(fd(s[0]), key);
        ByteBuffer read = ByteBuffer.allocate(next.length);
        while (read.hasRemaining()) {
            assertTrue(s[0].read(read) >= 0);
        }
        assertEquals(new String(next, StandardCharsets.US_ASCII), new String(read.array(), StandardCharsets.US_ASCII));
    }

    @Test
    void afterUnwatchAHangUpIsNeverReported() throws Exception {
        SocketChannel[] s = pair();
        AtomicInteger calls = new AtomicInteger();
        int before = hangups.watched();
        long key = hangups.watch(fd(s[0]), calls::incrementAndGet);
        hangups.unwatch(fd(s[0]), key);
        assertEquals(before, hangups.watched(), "unwatch takes effect before it returns");
        s[1].shutdownOutput();
        sentinelHangUp();
        assertEquals(0, calls.get());
    }

    @Test
    void aStaleKeyLeavesTheNewerWatchOfTheSameDescriptorAlone() throws Exception {
        SocketChannel[] s = pair();
        int fd = fd(s[0]);
        long first = hangups.watch(fd, () -> {});
        hangups.unwatch(fd, first);
        CountDownLatch fired = new CountDownLatch(1);
        long second = hangups.watch(fd, fired::countDown);
        hangups.unwatch(fd, first); // late, e.g. after the number was reused by another connection
        s[1].shutdownOutput();
        assertTrue(fired.await(10, TimeUnit.SECONDS), "the newer watch still reports");
        hangups.unwatch(fd, second);
    }
}
