package io.infergate.bench.jmh;

import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.Endpoint;
import io.infergate.router.schedule.BackendTarget;
import io.infergate.router.schedule.Pick;
import io.infergate.router.schedule.PoolProfiles;
import io.infergate.router.schedule.Scheduler;
import io.infergate.router.schedule.admission.Admission;
import io.infergate.router.schedule.admission.SaturationDetector;
import io.infergate.router.schedule.endpoint.EndpointRegistry;
import io.infergate.router.schedule.framework.PickContext;
import io.infergate.router.schedule.framework.PluginHandle;
import io.infergate.router.schedule.framework.PluginTimer;
import io.infergate.router.schedule.framework.Profile;
import io.infergate.router.schedule.framework.Profiles;
import io.infergate.router.schedule.framework.RouterCount;
import io.infergate.router.schedule.framework.SchedulerConfig;
import io.infergate.router.schedule.plugins.BuiltInPlugins;
import io.infergate.router.scrape.EndpointMetrics;
import io.infergate.router.scrape.Metrics;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * One full pick of an InferencePool request, as the router does it per request: admission (the
 * saturation check over the pool), the views of 100 endpoints with their scraped metrics, the
 * default profile of {@link SchedulerConfig#defaults()} (queue, KV cache, prefix-cache in auto
 * mode as with 3 routers, i.e. rendezvous, with the prompt's block hashes, outstanding requests; max-score picker, plus the
 * prefix index update), taking the endpoint's slot and closing the lease.
 *
 * <p>Endpoints carry varied, seeded metrics (waiting 0–4, running 0–48, KV use 5–75 %, a few
 * adapters, 3 of 100 stale). Prompts are 8 KB or 200 KB, as a completion's text or a chat's
 * {@code messages} JSON (what the router hashes for chat); 32 prompt groups share a long system
 * prefix and differ in their question, cycled so the prefix index sees hits, misses and evictions.
 *
 * <p>SampleTime mode: JMH samples single invocations, so the output has p50, p99 and p99.9 of one
 * pick. Run: {@code java -jar bench/jmh/target/benchmarks.jar Pick}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class PickBenchmark {

    private static final int ENDPOINTS = 100;
    private static final int GROUPS = 32;
    private static final int QUESTIONS = 8;

    /** Prompt size in KB. */
    @Param({"8", "200"})
    public int promptKb;

    /** {@code completions} (the prompt text) or {@code chat} (the messages JSON). */
    @Param({"completions", "chat"})
    public String api;

    private Scheduler scheduler;
    private BackendTarget pool;
    private PickContext[] requests;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom seed = new SplittableRandom(42);
        List<Endpoint> endpoints = new ArrayList<>();
        Map<String, Metrics> metrics = new HashMap<>();
        long now = System.nanoTime();
        for (int i = 0; i < ENDPOINTS; i++) {
            String address = "10.1." + (i / 250) + "." + (1 + i % 250);
            endpoints.add(new Endpoint(address, 8000, Optional.of("vllm-" + i), Map.of("app", "vllm")));
            boolean stale = i % 37 == 5;
            Set<String> running =
                    i % 4 == 0 ? Set.of("sql-lora", "chat-lora") : i % 4 == 1 ? Set.of("sql-lora") : Set.of();
            metrics.put(
                    address + ":8000",
                    new Metrics(
                            seed.nextInt(5),
                            seed.nextInt(49),
                            0.05 + 0.7 * seed.nextDouble(),
                            16,
                            8192 + seed.nextInt(8192),
                            running,
                            i % 9 == 0 ? Set.of("summarise-lora") : Set.of(),
                            4,
                            stale ? now - Duration.ofHours(2).toNanos() : now));
        }
        EndpointMetrics lookup = k -> Optional.ofNullable(metrics.get(k));
        // stale-after 1 h: samples stamped at setup stay fresh for the whole run; the 3 stamped
        // 2 h ago are stale, as a pod that stopped answering would be.
        Duration staleAfter = Duration.ofHours(1);
        // Three routers: the default prefix scorer (mode auto) then runs its rendezvous path, the
        // costlier one (a router alone runs local-index, a subset of it).
        Profile profile = Profiles.build(
                        SchedulerConfig.defaults(),
                        BuiltInPlugins.registry(
                                new PluginHandle(RandomGenerator.of("L64X128MixRandom"), new RouterCount(3))))
                .primary();
        PoolProfiles pools = new PoolProfiles(profile, lookup, staleAfter, PluginTimer.none(), e -> {});
        Backend.InferencePool backend = new Backend.InferencePool(
                Backend.InferencePool.idOf("bench", "vllm"),
                "bench",
                "vllm",
                Backend.AppProtocol.HTTP,
                endpoints,
                Optional.empty());
        pool = BackendTarget.compileAll(List.of(backend), new EndpointRegistry(), pools)
                .get(backend.id());
        // The router's defaults: saturation 5 waiting / 80 % KV; this pool's mean load is below 1.
        Admission admission =
                new Admission(Admission.Settings.defaults(), SaturationDetector.defaults(), lookup, staleAfter);
        scheduler = new Scheduler(0, Optional.of(admission));
        requests = prompts(promptKb * 1024, "chat".equals(api));
    }

    /** Groups of prompts sharing a system prefix (most of the prompt) and differing in a question. */
    private static PickContext[] prompts(int bytes, boolean chat) {
        List<PickContext> out = new ArrayList<>();
        for (int q = 0; q < QUESTIONS; q++) {
            for (int g = 0; g < GROUPS; g++) {
                String question = "Question " + q + " for group " + g + ": what does the document say about item "
                        + (q * 31 + g) + "? Answer briefly.";
                String system = text(g, Math.max(0, bytes - question.length() - (chat ? 80 : 0)));
                String prompt = chat
                        ? "[{\"role\":\"system\",\"content\":\"" + system + "\"},{\"role\":\"user\",\"content\":\""
                                + question + "\"}]"
                        : system + question;
                out.add(new PickContext(
                        "bench-" + q + "-" + g,
                        Optional.of("meta-llama/Llama-3.1-8B-Instruct"),
                        prompt,
                        0,
                        Optional.empty()));
            }
        }
        return out.toArray(PickContext[]::new);
    }

    /** Deterministic ASCII text of a group: words from a small vocabulary. */
    private static String text(int group, int length) {
        String[] words = {
            "the",
            "model",
            "server",
            "cache",
            "request",
            "token",
            "prefix",
            "gateway",
            "pool",
            "latency",
            "policy",
            "document",
            "section",
            "clause",
            "figure",
            "table"
        };
        SplittableRandom r = new SplittableRandom(1000 + group);
        StringBuilder b = new StringBuilder(length + 16);
        b.append("System prompt ").append(group).append(". ");
        while (b.length() < length) {
            b.append(words[r.nextInt(words.length)]).append(' ');
        }
        b.setLength(length);
        return b.toString();
    }

    @Benchmark
    public Object pick() {
        PickContext request = requests[next];
        next = next + 1 == requests.length ? 0 : next + 1;
        Pick pick = scheduler.pick(pool, request);
        if (pick instanceof Pick.Picked p) {
            p.lease().close();
            return p.lease().target();
        }
        throw new IllegalStateException("unexpected " + pick);
    }
}
