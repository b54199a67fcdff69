package io.infergate.bench.loadgen;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
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
        try (Client client = new Client(Duration.ofSeconds(workload.requestTimeoutSeconds()));
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (List<Plan.Request> step : steps) {
                List<Future<Outcome>> running =
                        workload.closedLoop() ? closed(step, client, threads) : open(step, client, threads);
                List<Outcome> outcomes = new ArrayList<>(running.size());
                for (Future<Outcome> f : running) {
                    try {
                        Outcome o = f.get();
                        if (o != null) {
                            outcomes.add(o);
                        }
                    } catch (ExecutionException e) {
                        throw new IllegalStateException("a request thread failed", e.getCause());
                    }
                }
                sink.accept(outcomes);
            }
        }
    }

    /** Open loop: each request at its planned arrival, on its own thread. */
    private List<Future<Outcome>> open(List<Plan.Request> step, Client client, ExecutorService threads) {
        long t0 = System.nanoTime();
        List<Future<Outcome>> running = new ArrayList<>(step.size());
        for (Plan.Request r : step) {
            String body = body(r);
            long wait;
            while ((wait = t0 + r.atNanos() - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            running.add(threads.submit(() -> client.send(r, routerUrls.get(r.router()), body)));
        }
        return running;
    }

    /**
     * Closed loop: {@code rate} clients, each sending the plan's next request as soon as its last
     * one ended, until the step's window is over; requests in flight then finish and count.
     */
    private List<Future<Outcome>> closed(List<Plan.Request> step, Client client, ExecutorService threads) {
        int clients = (int) Math.round(workload.rates().get(step.getFirst().step()));
        long end = System.nanoTime() + workload.stepSeconds() * 1_000_000_000L;
        AtomicInteger next = new AtomicInteger();
        List<Outcome> done = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Future<Outcome>> loops = new ArrayList<>(clients);
        for (int c = 0; c < clients; c++) {
            loops.add(threads.submit(() -> {
                int i;
                while (System.nanoTime() < end && (i = next.getAndIncrement()) < step.size()) {
                    Plan.Request r = step.get(i);
                    done.add(client.send(r, routerUrls.get(r.router()), body(r)));
                }
                return null;
            }));
        }
        List<Future<Outcome>> out = new ArrayList<>();
        for (Future<Outcome> f : loops) {
            try {
                f.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("a client thread failed", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        synchronized (done) {
            for (Outcome o : done) {
                out.add(java.util.concurrent.CompletableFuture.completedFuture(o));
            }
        }
        return out;
    }

    private final ConcurrentHashMap<Integer, String> systems = new ConcurrentHashMap<>();

    /** The request's JSON body, by the workload's shape. */
    private String body(Plan.Request r) {
        String model =
                r.adapter() == 0 ? workload.model() : workload.mix().adapters().get(r.adapter() - 1);
        if (!r.longPrompt()) {
            return Client.body(
                    model,
                    Prompts.question(r.question(), workload.mix().shortPromptTokens()),
                    r.maxTokens(),
                    r.stream());
        }
        String prompt = workload.shape().equals(Workload.MULTI_TURN)
                ? Prompts.conversation(
                        workload.seed(),
                        r.group(),
                        r.epoch(),
                        r.turn(),
                        workload.systemPromptTokens(),
                        workload.questionTokens(),
                        workload.turnTokens())
                : Prompts.prompt(
                        systems.computeIfAbsent(
                                r.group(), g -> Prompts.system(workload.seed(), g, workload.systemPromptTokens())),
                        Prompts.question(r.question(), workload.questionTokens()));
        return Client.body(model, prompt, r.maxTokens(), r.stream());
    }
}
