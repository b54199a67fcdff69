package io.infergate.controller.folder;

import io.infergate.controller.decode.DecodeException;
import io.infergate.controller.decode.Decoded;
import io.infergate.controller.decode.ObjectDecoder;
import io.infergate.controller.lifecycle.BackgroundThreads;
import io.infergate.controller.model.ClusterState;
import io.infergate.controller.model.KubeObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Local mode's source: every {@code *.yaml} and {@code *.yml} file directly in one folder, read
 * again on every change.
 *
 * <p>Rules:
 * <ul>
 *   <li>Changes are seen through a WatchService and, as a fallback for filesystems that do not
 *       report events, a periodic check of names, sizes and modification times. Events are
 *       debounced (a quiet period, bounded by a maximum wait) and each burst gives one whole
 *       rebuild, never an incremental update.</li>
 *   <li>A file that does not parse is logged (file and reason) and its last good parse is kept,
 *       so one typo does not withdraw every route. Likewise an object that no longer decodes keeps
 *       its last good version from the same file, as the API server would refuse the bad update.</li>
 *   <li>Objects without {@code metadata.creationTimestamp} get a deterministic stand-in: the n-th
 *       object of the folder (files by name, documents in order, counting from 0) is
 *       {@code 1970-01-01T00:00:00Z} plus n seconds. Older means earlier in the folder.</li>
 *   <li>When two objects have the same kind, namespace and name, the first in that order wins.</li>
 * </ul>
 */
public final class ManifestFolder implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ManifestFolder.class.getName());
    private static final long MAX_FILE_BYTES = 8L << 20;
    private static final int MAX_DEBOUNCE_ROUNDS = 10;

    private final Path dir;
    private final Duration debounce;
    private final Duration pollPeriod;
    private final Consumer<ClusterState> sink;
    private final Map<Path, List<Map<String, Object>>> lastGoodParse = new HashMap<>();
    private final Map<Path, Map<String, KubeObject>> lastGoodObjects = new HashMap<>();
    private final Set<String> reported = new HashSet<>();
    private final Set<String> unknownKinds = new HashSet<>();
    private volatile boolean running;
    private volatile WatchService watchService;
    private Thread thread;

    /**
     * @param sink receives each rebuilt state, on the watching thread
     */
    public ManifestFolder(Path dir, Duration debounce, Duration pollPeriod, Consumer<ClusterState> sink) {
        this.dir = dir;
        this.debounce = debounce;
        this.pollPeriod = pollPeriod;
        this.sink = sink;
    }

    /** Reads the folder once, synchronously, and returns what it holds. */
    public synchronized ClusterState load() {
        Set<String> problems = new HashSet<>();
        Map<Path, List<Map<String, Object>>> parsed = new TreeMap<>();
        for (Path file : files()) {
            parsed.put(file, parse(file, problems));
        }
        lastGoodParse.keySet().retainAll(parsed.keySet());
        lastGoodObjects.keySet().retainAll(parsed.keySet());
        Map<String, KubeObject> objects = new LinkedHashMap<>();
        int ordinal = 0;
        for (var e : parsed.entrySet()) {
            String file = e.getKey().getFileName().toString();
            Map<String, KubeObject> previous = lastGoodObjects.getOrDefault(e.getKey(), Map.of());
            Map<String, KubeObject> inFile = new LinkedHashMap<>();
            for (Map<String, Object> tree : e.getValue()) {
                String standIn = Instant.EPOCH.plusSeconds(ordinal++).toString();
                KubeObject object = switch (ObjectDecoder.decode(tree, standIn)) {
                    case Decoded.Ok ok -> ok.object();
                    case Decoded.Unknown u -> {
                        if (unknownKinds.add(u.apiVersion() + " " + u.kind())) {
                            LOG.info(() -> file + ": ignoring kind '" + u.kind() + "' of apiVersion '" + u.apiVersion()
                                    + "' (not read by the controller)");
                        }
                        yield null;
                    }
                    case Decoded.Invalid bad -> {
                        KubeObject kept = previous.get(bad.key());
                        report(
                                problems,
                                file + ": " + bad.key() + " is invalid: " + bad.reason()
                                        + (kept != null ? " (keeping its last good version)" : " (left out)"));
                        yield kept;
                    }
                };
                if (object == null) {
                    continue;
                }
                if (inFile.putIfAbsent(object.key(), object) != null
                        || objects.putIfAbsent(object.key(), object) != null) {
                    report(problems, file + ": " + object.key() + " is defined more than once; the first one is used");
                }
            }
            lastGoodObjects.put(e.getKey(), inFile);
        }
        reported.retainAll(problems);
        return ClusterState.of(List.copyOf(objects.values()));
    }

    /** Starts watching; every change leads to one {@link #load()} handed to the sink. */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        try {
            watchService = dir.getFileSystem().newWatchService();
            dir.register(
                    watchService,
                    StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_DELETE,
                    StandardWatchEventKinds.ENTRY_MODIFY);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warning(() -> "cannot watch " + dir + " (" + e.getMessage() + "); checking every "
                    + pollPeriod.toMillis() + " ms");
            watchService = null;
        }
        thread = Thread.ofVirtual().name("manifest-folder").start(this::watch);
    }

    private void watch() {
        String seen = fingerprint();
        while (running) {
            try {
                boolean changed = awaitEvent(pollPeriod);
                String now = fingerprint();
                if (!changed && now.equals(seen)) {
                    continue;
                }
                // Debounce: wait until the folder is quiet, but not forever under a constant stream of events.
                for (int i = 0; i < MAX_DEBOUNCE_ROUNDS && awaitEvent(debounce); i++) {
                    // drained
                }
                seen = fingerprint();
                ClusterState state = load();
                sink.accept(state);
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "rebuilding from " + dir + " failed", e);
            }
        }
    }

    /** True when the watch service reported something within {@code wait}. */
    private boolean awaitEvent(Duration wait) throws InterruptedException {
        WatchService ws = watchService;
        if (ws == null) {
            Thread.sleep(wait);
            return false;
        }
        WatchKey key = ws.poll(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        if (key == null) {
            return false;
        }
        key.pollEvents();
        key.reset();
        return true;
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
        }
        try {
            if (watchService != null) {
                watchService.close();
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "closing the watch service", e);
        }
        BackgroundThreads.stop(t);
    }

    private List<Map<String, Object>> parse(Path file, Set<String> problems) {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new DecodeException(file.getFileName().toString(), "larger than " + MAX_FILE_BYTES + " bytes");
            }
            List<Map<String, Object>> docs = ManifestReader.parse(Files.readString(file, StandardCharsets.UTF_8));
            lastGoodParse.put(file, docs);
            return docs;
        } catch (IOException | DecodeException e) {
            List<Map<String, Object>> kept = lastGoodParse.get(file);
            report(
                    problems,
                    file + ": cannot read (" + e.getMessage() + "); "
                            + (kept != null ? "keeping its last good content" : "it contributes nothing"));
            return kept != null ? kept : List.of();
        }
    }

    private List<Path> files() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                        String n = p.getFileName().toString();
                        return (n.endsWith(".yaml") || n.endsWith(".yml"))
                                && !n.startsWith(".")
                                && Files.isRegularFile(p);
                    })
                    .sorted()
                    .toList();
        } catch (IOException e) {
            LOG.warning(() -> "cannot list " + dir + ": " + e.getMessage());
            return new ArrayList<>(lastGoodParse.keySet()).stream().sorted().toList();
        }
    }

    private String fingerprint() {
        StringBuilder b = new StringBuilder();
        for (Path p : files()) {
            try {
                b.append(p.getFileName())
                        .append(':')
                        .append(Files.size(p))
                        .append(':')
                        .append(Files.getLastModifiedTime(p).toMillis())
                        .append('\n');
            } catch (IOException e) {
                b.append(p.getFileName()).append(":gone\n");
            }
        }
        return b.toString();
    }

    private void report(Set<String> problems, String message) {
        problems.add(message);
        if (reported.add(message)) {
            LOG.warning(message);
        }
    }
}
