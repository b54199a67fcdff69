package io.infergate.bench.loadgen;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Replays the plan step by step: each request is sent on its own virtual thread at its planned
 * arrival (open loop: a slow answer never delays the next arrival); when a step's window is over,
 * its requests are awaited (each is bounded by the request timeout) before the next step starts, so
 * every row describes one offered rate. Caches on the pods carry over between steps.
 */
public final class Runner {

    private final Workload workload;
    private final List<String> routerUrls;

    public Runner(Workload workload, List<String> routerUrls) {
        this.workload = workload;
        this.routerUrls = List.copyOf(routerUrls);
    }

    /** Runs every step and hands each step's outcomes to {@code sink}, in order. */
    public void run(Consumer<List<Outcome>> sink) throws InterruptedException {
        List<List<Plan.Request>> steps = Plan.of(workload, routerUrls.size());
        Map<Integer, String> systems = new HashMap<>();
        try (Client client = new Client(Duration.ofSeconds(workload.requestTimeoutSeconds()));
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (List<Plan.Request> step : steps) {
                long t0 = System.nanoTime();
                List<Future<Outcome>> running = new ArrayList<>(step.size());
                for (Plan.Request r : step) {
                    String system = systems.computeIfAbsent(
                            r.group(), g -> Prompts.system(workload.seed(), g, workload.systemPromptTokens()));
                    String body = Client.body(
                            workload.model(),
                            Prompts.prompt(system, Prompts.question(r.question(), workload.questionTokens())),
                            r.maxTokens());
                    long wait;
                    while ((wait = t0 + r.atNanos() - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    running.add(threads.submit(() -> client.send(r, routerUrls.get(r.router()), body)));
                }
                List<Outcome> outcomes = new ArrayList<>(running.size());
                for (Future<Outcome> f : running) {
                    try {
                        outcomes.add(f.get());
                    } catch (ExecutionException e) {
                        throw new IllegalStateException("a request thread failed", e.getCause());
                    }
                }
                sink.accept(outcomes);
            }
        }
    }
}
