package io.infergate.bench.loadgen;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/**
 * Samples every pod's queue ({@code /metrics}: {@code vllm:num_requests_waiting} and
 * {@code vllm:num_requests_running}) every interval on its own thread, as a router's scraper does,
 * so a step's {@link Balance} can be judged. All pods are asked at once; a pod that does not answer
 * within the interval counts as unknown in that sample. {@link #drain} hands over the samples taken
 * since the last call.
 */
public final class PodWatch implements AutoCloseable {

    private final List<URI> pods;
    private final int slots;
    private final Duration interval;
    private final HttpClient http;
    private final List<Balance.Sample> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean open = true;

    /**
     * @param podUrls  base URLs of the pods ({@code http://host:port})
     * @param slots    requests a pod runs at once ({@code max-num-seqs})
     * @param interval time between two samples (the router's scrape interval)
     */
    public PodWatch(List<String> podUrls, int slots, Duration interval) {
        this.pods = podUrls.stream().map(u -> URI.create(u + "/metrics")).toList();
        this.slots = slots;
        this.interval = interval;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(interval)
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
        this.thread = Thread.ofVirtual().name("pod-watch").start(this::loop);
    }

    private void loop() {
        long next = System.nanoTime();
        while (open) {
            Balance.Sample s = sample();
            synchronized (samples) {
                samples.add(s);
            }
            next += interval.toNanos();
            long wait;
            while (open && (wait = next - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    private Balance.Sample sample() {
        long at = System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>(pods.size());
        for (URI pod : pods) {
            calls.add(http.sendAsync(
                    HttpRequest.newBuilder(pod).timeout(interval).GET().build(), HttpResponse.BodyHandlers.ofString()));
        }
        int[] waiting = new int[pods.size()];
        int[] running = new int[pods.size()];
        for (int p = 0; p < calls.size(); p++) {
            try {
                HttpResponse<String> r = calls.get(p).join();
                waiting[p] = r.statusCode() == 200 ? gauge(r.body(), "vllm:num_requests_waiting") : -1;
                running[p] = r.statusCode() == 200 ? gauge(r.body(), "vllm:num_requests_running") : -1;
            } catch (RuntimeException e) {
                waiting[p] = -1;
                running[p] = -1;
            }
        }
        return new Balance.Sample(at, waiting, running);
    }

    /**
     * The sum of a gauge's samples in Prometheus text (one per label set, e.g. per model), -1 when
     * the metric is absent.
     */
    static int gauge(String text, String name) {
        double sum = 0;
        boolean seen = false;
        for (String line : text.split("\n")) {
            if (!line.startsWith(name) || line.length() == name.length()) {
                continue;
            }
            char c = line.charAt(name.length());
            if (c != '{' && c != ' ') {
                continue; // another metric whose name starts with this one
            }
            // the value is the first field after the name and its labels (a timestamp may follow)
            int end = c == '{' ? line.indexOf('}') + 1 : name.length();
            String[] fields = line.substring(end).trim().split("\\s+");
            try {
                sum += Double.parseDouble(fields[0]);
                seen = true;
            } catch (NumberFormatException e) {
                // a malformed sample is skipped
            }
        }
        return seen ? (int) Math.round(sum) : -1;
    }

    /** The balance of the samples taken since the last call. */
    public Balance drain() {
        List<Balance.Sample> taken;
        synchronized (samples) {
            taken = List.copyOf(samples);
            samples.clear();
        }
        return Balance.of(taken, slots, interval.toNanos());
    }

    /** Stops sampling; waits at most two intervals (and a pod's timeout) for the last sample. */
    @Override
    public void close() {
        open = false;
        try {
            thread.join(interval.multipliedBy(2).plusSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.close();
    }
}
