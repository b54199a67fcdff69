package io.infergate.bench.loadgen;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The requests of every step, fixed by the workload alone: Poisson arrivals (exponential gaps at the
 * step's rate within the step's window), a uniformly random group, a question seed and an output
 * length per request, and the router in turn (request k goes to router k mod R). Each step draws
 * from its own stream split off the seed, so every strategy replays exactly the same requests.
 */
public final class Plan {

    /**
     * One request.
     *
     * @param step       index of its step
     * @param atNanos    arrival, from the start of the step
     * @param group      its system prompt
     * @param question   seed of its question
     * @param maxTokens  output tokens asked for
     * @param router     index of the router it is sent to
     */
    public record Request(int step, long atNanos, int group, long question, int maxTokens, int router) {}

    private Plan() {}

    /** Every step's requests, in arrival order per step. */
    public static List<List<Request>> of(Workload w, int routers) {
        if (routers < 1) {
            throw new IllegalArgumentException("routers must be >= 1");
        }
        List<List<Request>> steps = new ArrayList<>();
        long window = w.stepSeconds() * 1_000_000_000L;
        int k = 0;
        for (int s = 0; s < w.rates().size(); s++) {
            SplittableRandom rnd = new SplittableRandom(w.seed() * 1_000_003L + s);
            double rate = w.rates().get(s);
            List<Request> out = new ArrayList<>();
            double t = 0;
            while (true) {
                t += -Math.log(1 - rnd.nextDouble()) / rate; // exponential gap, mean 1/rate s
                long at = (long) (t * 1e9);
                if (at >= window) {
                    break;
                }
                out.add(new Request(
                        s,
                        at,
                        rnd.nextInt(w.groups()),
                        rnd.nextLong(),
                        rnd.nextInt(w.outputTokensMin(), w.outputTokensMax() + 1),
                        k++ % routers));
            }
            steps.add(List.copyOf(out));
        }
        return List.copyOf(steps);
    }
}
