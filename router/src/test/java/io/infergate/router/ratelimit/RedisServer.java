package io.infergate.router.ratelimit;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * A real {@code redis-server} (Debian package {@code redis-server}, installed by .ci/run) on
 * loopback, on a port picked free, without persistence. Tests that need it skip with the reason
 * printed when the binary is not installed.
 */
public final class RedisServer implements AutoCloseable {
    private static final List<String> CANDIDATES = List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server");

    private final Path dir;
    private final int port;
    private Process process;

    private RedisServer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Starts one, or skips the calling test when {@code redis-server} is absent. */
    public static RedisServer start() {
        String binary = CANDIDATES.stream()
                .filter(p -> new File(p).canExecute())
                .findFirst()
                .orElse(null);
        if (binary == null) {
            System.out.println("SKIPPED: redis-server is not installed (apt-get install redis-server; .ci/run does)");
        }
        Assumptions.assumeTrue(binary != null, "redis-server is not installed");
        try {
            RedisServer server = new RedisServer(Files.createTempDirectory("redis-test"), freePort());
            server.launch(binary);
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server", e);
        }
    }

    private void launch(String binary) throws IOException {
        process = new ProcessBuilder(
                        binary,
                        "--bind",
                        "127.0.0.1",
                        "--port",
                        Integer.toString(port),
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--dir",
                        dir.toString(),
                        "--daemonize",
                        "no")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException(
                                "redis-server exited: " + Files.readString(dir.resolve("redis.log")));
                    }
                    return "+PONG".equals(command("PING"));
                });
    }

    public int port() {
        return port;
    }

    /** Kills it at once (SIGKILL): Redis going away mid-test. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts it again on the same port, empty. */
    public void restart() throws IOException {
        kill();
        launch(CANDIDATES.stream()
                .filter(p -> new File(p).canExecute())
                .findFirst()
                .orElseThrow());
    }

    /** Sends one inline command and returns the first reply line ({@code +OK}, {@code :12}, {@code $-1}...). */
    public String command(String inline) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            if (line.length() > 0 && line.charAt(0) == '$' && !line.toString().equals("$-1")) {
                StringBuilder value = new StringBuilder();
                while ((c = in.read()) >= 0 && c != '\n') {
                    if (c != '\r') {
                        value.append((char) c);
                    }
                }
                return value.toString();
            }
            return line.toString();
        } catch (java.net.ConnectException e) {
            return "";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        kill();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }
}
