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
     * @param epoch      multi-turn: which conversation of the group (a group restarts after max-turns)
     * @param turn       multi-turn: turns of this conversation before this one (0 otherwise)
     * @param longPrompt the group's shared-prefix prompt (always, except short requests of a mixed workload)
     * @param stream     a streamed answer (always, except non-streamed requests of a mixed workload)
     * @param adapter    0: the base model; k: the workload's k-th LoRA adapter (mixed workload)
     */
    public record Request(
            int step,
            long atNanos,
            int group,
            long question,
            int maxTokens,
            int router,
            int epoch,
            int turn,
            boolean longPrompt,
            boolean stream,
            int adapter) {

        /** A single-turn request. */
        public Request(int step, long atNanos, int group, long question, int maxTokens, int router) {
            this(step, atNanos, group, question, maxTokens, router, 0, 0);
        }

        /** A long, streamed request to the base model. */
        public Request(
                int step, long atNanos, int group, long question, int maxTokens, int router, int epoch, int turn) {
            this(step, atNanos, group, question, maxTokens, router, epoch, turn, true, true, 0);
        }
    }

    private Plan() {}

    /** Every step's requests, in arrival order per step. */
    public static List<List<Request>> of(Workload w, int routers) {
        if (routers < 1) {
            throw new IllegalArgumentException("routers must be >= 1");
        }
        List<List<Request>> steps = new ArrayList<>();
        long window = w.stepSeconds() * 1_000_000_000L;
        int k = 0;
        int[] turns = new int[w.groups()]; // multi-turn: requests each group has had, over all steps
        for (int s = 0; s < w.rates().size(); s++) {
            SplittableRandom rnd = new SplittableRandom(w.seed() * 1_000_003L + s);
            double rate = w.rates().get(s);
            // closed loop: enough requests for every client to send one per 50 ms (far more than
            // any server here answers); the runner sends them in order, as clients free up
            long closedCount = ((long) rate) * w.stepSeconds() * 20;
            List<Request> out = new ArrayList<>();
            double t = 0;
            while (true) {
                long at = 0;
                if (w.closedLoop()) {
                    if (out.size() >= closedCount) {
                        break;
                    }
                } else {
                    t += -Math.log(1 - rnd.nextDouble()) / rate; // exponential gap, mean 1/rate s
                    at = (long) (t * 1e9);
                    if (at >= window) {
                        break;
                    }
                }
                int group = rnd.nextInt(w.groups());
                int n = turns[group]++;
                boolean multi = w.shape().equals(Workload.MULTI_TURN);
                long question = rnd.nextLong();
                int maxTokens = rnd.nextInt(w.outputTokensMin(), w.outputTokensMax() + 1);
                // the mix is drawn after the fields every shape draws, so the other shapes' plans
                // stay what they were before mixed workloads existed
                Mix mix = w.mix();
                boolean mixed = w.shape().equals(Workload.MIXED);
                out.add(new Request(
                        s,
                        at,
                        group,
                        question,
                        maxTokens,
                        k++ % routers,
                        multi ? n / w.maxTurns() : 0,
                        multi ? n % w.maxTurns() : 0,
                        !mixed || rnd.nextDouble() < mix.longShare(),
                        !mixed || rnd.nextDouble() < mix.streamShare(),
                        mixed ? rnd.nextInt(mix.adapters().size() + 1) : 0));
            }
            steps.add(List.copyOf(out));
        }
        return List.copyOf(steps);
    }
}
