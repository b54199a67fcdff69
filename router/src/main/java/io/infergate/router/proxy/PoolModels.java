package io.infergate.router.proxy;

import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.Endpoint;
import io.infergate.router.backendtls.UpstreamTls;
import io.infergate.router.inference.ErrorBody;
import io.infergate.router.inference.ModelLists;

import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code GET /v1/models} through a route to an InferencePool: the router asks every endpoint of
 * the pool (in parallel, {@value #TIMEOUT_MILLIS} ms each) and answers with the merged list
 * ({@link ModelLists}), instead of proxying to one picked endpoint whose list may be partial (pods
 * with different LoRA adapters). Endpoints that fail or time out are left out; when none answers,
 * 502. Answers are cached for {@value #CACHE_MILLIS} ms per pool and endpoint set, so clients
 * polling the list do not fan out to every pod each time, and at most one fan-out per pool runs at
 * once.
 */
final class PoolModels {

    private static final Logger LOG = Logger.getLogger(PoolModels.class.getName());
    static final long TIMEOUT_MILLIS = 2_000;
    static final long CACHE_MILLIS = 5_000;
    private static final int MAX_LIST_BYTES = 4 * 1024 * 1024;

    private record Key(String pool, List<String> endpoints, Object rules) {}

    private record Cached(byte[] body, long expiresNanos) {}

    private final Upstream upstream;
    private final Map<Key, Cached> cache = new ConcurrentHashMap<>();
    private final Map<String, ReentrantLock> refreshing = new ConcurrentHashMap<>();

    PoolModels(Upstream upstream) {
        this.upstream = upstream;
    }

    /** Whether the request lists models. */
    static boolean isModelList(ServerRequest req, String path) {
        return "GET".equals(req.prologue().method().text()) && "/v1/models".equals(path);
    }

    void serve(ServerResponse res, RequestRecord record, Backend.InferencePool pool, Optional<UpstreamTls> tls) {
        List<String> endpoints = new ArrayList<>(new LinkedHashSet<>(
                pool.endpoints().stream().map(Endpoint::hostPort).toList()));
        if (endpoints.isEmpty()) {
            Responses.error(
                    res,
                    record,
                    ErrorBody.of(
                            503, ErrorBody.NO_HEALTHY_UPSTREAM, "backend " + pool.id() + " has no ready endpoints"));
            return;
        }
        Key key = new Key(pool.id(), endpoints, pool.modelRewrites());
        Cached cached = fresh(key);
        if (cached == null) {
            // One fan-out per pool at a time: clients that find the cache expired together wait
            // for the one that refreshes it instead of each asking every pod (the fan-out does not
            // go through the per-endpoint request bound, so this is what bounds it).
            ReentrantLock lock = refreshing.computeIfAbsent(pool.id(), k -> new ReentrantLock());
            lock.lock();
            try {
                cached = fresh(key);
                if (cached == null) {
                    List<byte[]> answers = ask(pool, tls, record.requestId);
                    if (answers.isEmpty()) {
                        Responses.error(
                                res,
                                record,
                                ErrorBody.of(
                                        502,
                                        ErrorBody.UPSTREAM_ERROR,
                                        "no endpoint of " + pool.id() + " answered GET /v1/models"));
                        return;
                    }
                    cache.keySet().removeIf(k -> k.pool().equals(pool.id())); // one entry per pool
                    cached = new Cached(
                            ModelLists.merge(answers, pool.modelRewrites()),
                            System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CACHE_MILLIS));
                    cache.put(key, cached);
                }
            } finally {
                lock.unlock();
            }
        }
        record.status = 200;
        res.status(Status.OK_200).header(HeaderValues.CONTENT_TYPE_JSON).send(cached.body());
    }

    /** The cached list for this key if it has not expired, else null. */
    private Cached fresh(Key key) {
        Cached c = cache.get(key);
        return c == null || System.nanoTime() - c.expiresNanos() > 0 ? null : c;
    }

    /** The 200 answers of the endpoints, in endpoint order. */
    private List<byte[]> ask(Backend.InferencePool pool, Optional<UpstreamTls> tls, String requestId) {
        List<Endpoint> distinct = new ArrayList<>();
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        pool.endpoints().forEach(e -> {
            if (seen.add(e.hostPort())) {
                distinct.add(e);
            }
        });
        List<byte[]> answers = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Optional<byte[]>>> calls = new ArrayList<>();
            for (Endpoint e : distinct) {
                calls.add(threads.submit(() -> list(pool, tls, e, requestId)));
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS + 500);
            for (Future<Optional<byte[]>> call : calls) {
                try {
                    call.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
                            .ifPresent(answers::add);
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    call.cancel(true);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            threads.shutdownNow();
        }
        return answers;
    }

    private Optional<byte[]> list(Backend.InferencePool pool, Optional<UpstreamTls> tls, Endpoint e, String requestId) {
        HeaderList headers = new HeaderList();
        headers.add("Host", e.hostPort());
        headers.add("Accept", "application/json");
        headers.add(GatewayHandler.X_REQUEST_ID, requestId);
        try (UpstreamResponse r = upstream.send(
                e,
                pool.appProtocol(),
                tls,
                "GET",
                "/v1/models",
                headers,
                new Upstream.Body.None(),
                Duration.ofMillis(TIMEOUT_MILLIS))) {
            if (r.status().code() != 200) {
                return Optional.empty();
            }
            try (InputStream in = r.inputStream()) {
                byte[] body = in.readNBytes(MAX_LIST_BYTES + 1);
                return body.length > MAX_LIST_BYTES ? Optional.empty() : Optional.of(body);
            }
        } catch (Upstream.UpstreamException | java.io.IOException | RuntimeException ex) {
            LOG.log(Level.FINE, "GET /v1/models from " + e.hostPort() + " of " + pool.id() + " failed", ex);
            return Optional.empty();
        }
    }
}
