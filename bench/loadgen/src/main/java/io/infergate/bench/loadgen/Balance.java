package io.infergate.bench.loadgen;

import java.util.List;

/**
 * Whether the pods' load was balanced during a step (issue 17: "no pod has waiting requests while
 * another has free slots for more than one scrape interval"). A sample is <em>stuck</em> when some
 * pod has requests waiting while another pod has none waiting and fewer than {@code slots} running:
 * a request queues where a slot is free elsewhere.
 *
 * @param samples    samples taken during the step
 * @param stuck      stuck samples
 * @param longestMs  the longest run of consecutive stuck samples, first to last stuck sample plus
 *                   one sampling interval, ms (0 when no sample was stuck)
 */
public record Balance(int samples, int stuck, double longestMs) {

    /** No samples: the pods were not watched. */
    public static final Balance NONE = new Balance(0, 0, Double.NaN);

    /**
     * One look at every pod.
     *
     * @param atNanos  when it was taken (System.nanoTime)
     * @param waiting  {@code vllm:num_requests_waiting} per pod, -1 when the pod did not answer
     * @param running  {@code vllm:num_requests_running} per pod, -1 when the pod did not answer
     */
    public record Sample(long atNanos, int[] waiting, int[] running) {}

    /** Share of stuck samples, NaN without samples. */
    public double stuckShare() {
        return samples == 0 ? Double.NaN : (double) stuck / samples;
    }

    /** Whether one sample is stuck (pods that did not answer count as neither side). */
    static boolean stuck(Sample s, int slots) {
        boolean queued = false;
        boolean free = false;
        for (int p = 0; p < s.waiting().length; p++) {
            if (s.waiting()[p] < 0 || s.running()[p] < 0) {
                continue;
            }
            queued |= s.waiting()[p] > 0;
            free |= s.waiting()[p] == 0 && s.running()[p] < slots;
        }
        return queued && free;
    }

    /** The balance of samples taken {@code intervalNanos} apart, in time order. */
    public static Balance of(List<Sample> samples, int slots, long intervalNanos) {
        if (samples.isEmpty()) {
            return NONE;
        }
        int stuck = 0;
        long longest = 0;
        long runStart = -1;
        for (Sample s : samples) {
            if (stuck(s, slots)) {
                stuck++;
                if (runStart < 0) {
                    runStart = s.atNanos();
                }
                longest = Math.max(longest, s.atNanos() - runStart + intervalNanos);
            } else {
                runStart = -1;
            }
        }
        return new Balance(samples.size(), stuck, longest / 1e6);
    }
}
