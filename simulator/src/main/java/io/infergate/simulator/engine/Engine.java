package io.infergate.simulator.engine;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one request through the simulated model: admission, then {@code timeToFirstToken} of
 * prefill, then one decode step every {@code interTokenLatency}. It blocks the calling (virtual)
 * thread on purpose: sleeping is how the simulated GPU spends time.
 */
public final class Engine {

    private final Scheduler scheduler;
    private final TextGenerator generator;
    private final Duration timeToFirstToken;
    private final Duration interTokenLatency;
    private final EngineListener listener;

    public Engine(Scheduler scheduler, TextGenerator generator, Duration timeToFirstToken,
                  Duration interTokenLatency, EngineListener listener) {
        this.scheduler = scheduler;
        this.generator = generator;
        this.timeToFirstToken = timeToFirstToken;
        this.interTokenLatency = interTokenLatency;
        this.listener = listener;
    }

    /**
     * Generates {@code plan.outputTokens()} tokens per prompt into {@code sink}.
     *
     * @throws QueueFullException   if no running slot is free and the waiting queue is full
     * @throws InterruptedException if the server shuts down mid-request
     * @throws IOException          if the sink fails (client gone); the request is not counted as served
     */
    public void run(GenerationPlan plan, TokenSink sink)
            throws QueueFullException, InterruptedException, IOException {
        long arrival = System.nanoTime();
        Sequence sequence = scheduler.admit(plan.model(), plan.promptTokens())
                .orElseThrow(() -> new QueueFullException(scheduler.maxWaiting()));
        try (sequence) {
            List<TextGenerator.Stream> streams = new ArrayList<>(plan.prompts().size());
            plan.prompts().forEach(p -> streams.add(generator.stream(p)));
            Thread.sleep(timeToFirstToken);
            long previous = System.nanoTime();
            listener.firstToken(Duration.ofNanos(previous - arrival), plan.promptTokens());
            for (int step = 0; step < plan.outputTokens(); step++) {
                if (step > 0) {
                    Thread.sleep(interTokenLatency);
                    long now = System.nanoTime();
                    listener.nextToken(Duration.ofNanos(now - previous));
                    previous = now;
                }
                List<String> pieces = new ArrayList<>(streams.size());
                streams.forEach(s -> pieces.add(s.next()));
                sequence.addGenerated(pieces.size());
                listener.generated(pieces.size());
                sink.accept(step, pieces, step == plan.outputTokens() - 1);
            }
        }
        listener.finished(plan.finishReason());
    }
}
