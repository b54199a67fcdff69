package io.infergate.router.testing;

import io.infergate.common.snapshot.Endpoint;
import io.infergate.router.schedule.endpoint.EndpointRegistry;
import io.infergate.router.schedule.endpoint.EndpointState;
import io.infergate.router.schedule.endpoint.Target;
import io.infergate.router.schedule.framework.EndpointView;
import io.infergate.router.scrape.Metrics;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Candidate views for plugin tests. */
public final class Views {

    private Views() {}

    /** An endpoint {@code 10.0.0.<n>:8000} with this router's outstanding count and optional metrics. */
    public static EndpointView view(int n, int outstanding, Metrics metrics) {
        EndpointState state = new EndpointRegistry().state("10.0.0." + n + ":8000");
        for (int i = 0; i < outstanding; i++) {
            state.tryAcquire(0);
        }
        Endpoint e = new Endpoint("10.0.0." + n, 8000, Optional.of("pod-" + n), Map.of());
        return new EndpointView(new Target(e, state), Optional.ofNullable(metrics), false);
    }

    /** Metrics with waiting, running and KV use; nothing else. */
    public static Metrics metrics(int waiting, int running, double kv) {
        return new Metrics(waiting, running, kv, 16, 1000, Set.of(), Set.of(), 0, System.nanoTime());
    }

    /** Metrics with LoRA adapters. */
    public static Metrics lora(Set<String> running, Set<String> waiting, int max) {
        return new Metrics(0, 0, 0, 16, 1000, running, waiting, max, System.nanoTime());
    }

    /** The view marked stale. */
    public static EndpointView stale(EndpointView v) {
        return new EndpointView(v.target(), v.metrics(), true);
    }
}
