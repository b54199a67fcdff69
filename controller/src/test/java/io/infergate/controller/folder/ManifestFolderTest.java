package io.infergate.controller.folder;

import io.infergate.controller.model.ClusterState;
import io.infergate.controller.model.GatewayObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The folder source on a real filesystem: edits trigger whole rebuilds, broken files keep their last good content. */
class ManifestFolderTest {

    private static final Duration WITHIN = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final AtomicReference<ClusterState> latest = new AtomicReference<>();
    private final AtomicInteger rebuilds = new AtomicInteger();
    private ManifestFolder folder;

    @AfterEach
    void stop() {
        folder.close();
    }

    private void startFolder() {
        folder = new ManifestFolder(dir, Duration.ofMillis(50), Duration.ofMillis(200), s -> {
            latest.set(s);
            rebuilds.incrementAndGet();
        });
        latest.set(folder.load());
        folder.start();
    }

    @Test
    void addingEditingAndDeletingFilesRebuildsTheWholeState() throws IOException {
        write("01-gateway.yaml", gateway("gw", 8080));
        startFolder();
        assertEquals(List.of(8080), ports());

        write("02-more.yml", gateway("second", 9090) + "---\n" + """
                apiVersion: v1
                kind: Namespace
                metadata: {name: team}
                """);
        await().atMost(WITHIN)
                .until(() -> latest.get().gateways().size() == 2
                        && latest.get().namespaces().size() == 1);

        write("01-gateway.yaml", gateway("gw", 8081));
        await().atMost(WITHIN).until(() -> ports().equals(List.of(8081, 9090)));

        Files.move(dir.resolve("02-more.yml"), dir.resolve("02-more.yml.off"));
        await().atMost(WITHIN)
                .until(() -> ports().equals(List.of(8081))
                        && latest.get().namespaces().isEmpty());
    }

    @Test
    void aFileThatDoesNotParseKeepsItsLastGoodContent() throws IOException {
        write("01-gateway.yaml", gateway("gw", 8080));
        write("02-other.yaml", gateway("other", 9090));
        startFolder();
        int before = rebuilds.get();

        write("01-gateway.yaml", "apiVersion: [unclosed\n");
        write("02-other.yaml", gateway("other", 9091));
        await().atMost(WITHIN).until(() -> ports().equals(List.of(8080, 9091)));
        assertEquals(true, rebuilds.get() > before);

        write("01-gateway.yaml", gateway("gw", 8082));
        await().atMost(WITHIN).until(() -> ports().equals(List.of(8082, 9091)));
    }

    @Test
    void anObjectThatNoLongerDecodesKeepsItsLastGoodVersion() throws IOException {
        write("01-gateway.yaml", gateway("gw", 8080));
        startFolder();
        write(
                "01-gateway.yaml",
                gateway("gw", 8080).replace("port: 8080", "port: not-a-number") + "---\n" + gateway("added", 7070));
        await().atMost(WITHIN).until(() -> ports().equals(List.of(7070, 8080)));
    }

    private List<Integer> ports() {
        return latest.get().gateways().stream()
                .map(GatewayObject::listeners)
                .map(l -> l.getFirst().port())
                .sorted()
                .toList();
    }

    private void write(String name, String content) throws IOException {
        // Write then rename, as editors do, so the watcher never sees a half-written file.
        Path tmp = Files.writeString(dir.resolve("." + name + ".tmp"), content);
        Files.move(
                tmp,
                dir.resolve(name),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static String gateway(String name, int port) {
        return """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata:
                  name: %s
                spec:
                  gatewayClassName: infergate
                  listeners:
                  - name: http
                    port: %d
                    protocol: HTTP
                """.formatted(name, port);
    }
}
