package io.infergate.bench.loadgen;

import java.util.List;
import java.util.Locale;

/**
 * One row of results: a strategy with R routers at one rate step.
 *
 * @param strategy     scheduler configuration name
 * @param routers      routers the requests were spread over
 * @param rate         offered requests per second
 * @param requests     requests of the step
 * @param ok           streamed to the end with 200
 * @param shed         answered 429 or 503
 * @param errors       everything else (other status, broken stream, timeout)
 * @param ttftP50Ms    TTFT percentiles over the OK streamed requests, ms (a non-streamed answer has no
 *                     first token: it counts in {@code latencyP90Ms} only)
 * @param ttftP90Ms    see above
 * @param ttftP99Ms    see above
 * @param itlP50Ms     median gap between content events over the OK requests, ms
 * @param outputTokensPerSecond content events of the step's requests / (last end − first send)
 * @param hitRate      Σ cached prompt tokens / Σ prompt tokens, from the response headers
 * @param completes    at least the workload's share of requests is OK
 * @param pods         OK requests per pod ({@code x-inference-pod}), in pod-name order, "/"-separated
 * @param latencyP90Ms p90 of send to the answer's end over the OK requests, streamed or not, ms
 *                     (NaN in results written before this column existed)
 * @param stuckShare   share of the pod samples where a request waited on one pod while another
 *                     had a free slot ({@link Balance}); NaN when the pods were not watched
 * @param stuckLongestMs the longest such spell, ms; NaN when the pods were not watched
 */
public record StepStats(
        String strategy,
        int routers,
        double rate,
        int requests,
        int ok,
        int shed,
        int errors,
        double ttftP50Ms,
        double ttftP90Ms,
        double ttftP99Ms,
        double itlP50Ms,
        double outputTokensPerSecond,
        double hitRate,
        boolean completes,
        String pods,
        double latencyP90Ms,
        double stuckShare,
        double stuckLongestMs) {

    /** This row with the pods' balance during its step. */
    public StepStats withBalance(Balance b) {
        return new StepStats(
                strategy,
                routers,
                rate,
                requests,
                ok,
                shed,
                errors,
                ttftP50Ms,
                ttftP90Ms,
                ttftP99Ms,
                itlP50Ms,
                outputTokensPerSecond,
                hitRate,
                completes,
                pods,
                latencyP90Ms,
                b.stuckShare(),
                b.longestMs());
    }

    /** A row without per-pod counts. */
    public StepStats(
            String strategy,
            int routers,
            double rate,
            int requests,
            int ok,
            int shed,
            int errors,
            double ttftP50Ms,
            double ttftP90Ms,
            double ttftP99Ms,
            double itlP50Ms,
            double outputTokensPerSecond,
            double hitRate,
            boolean completes) {
        this(
                strategy,
                routers,
                rate,
                requests,
                ok,
                shed,
                errors,
                ttftP50Ms,
                ttftP90Ms,
                ttftP99Ms,
                itlP50Ms,
                outputTokensPerSecond,
                hitRate,
                completes,
                "",
                Double.NaN,
                Double.NaN,
                Double.NaN);
    }

    static final String HEADER = "strategy\trouters\trate\trequests\tok\tshed\terrors\tttft_p50_ms\tttft_p90_ms"
            + "\tttft_p99_ms\titl_p50_ms\toutput_tok_s\thit_rate\tcompletes\tpods\tlatency_p90_ms\tstuck_share\tstuck_longest_ms";

    /** Aggregates the outcomes of one step. */
    public static StepStats of(String strategy, int routers, double rate, List<Outcome> outcomes, double minSuccess) {
        int ok = 0;
        int shed = 0;
        int errors = 0;
        long firstStart = Long.MAX_VALUE;
        long lastEnd = Long.MIN_VALUE;
        long tokens = 0;
        long prompt = 0;
        long hits = 0;
        int gapCount = 0;
        java.util.TreeMap<String, Integer> perPod = new java.util.TreeMap<>();
        for (Outcome o : outcomes) {
            if (o.result() == Outcome.Result.OK && !o.pod().isEmpty()) {
                perPod.merge(o.pod(), 1, Integer::sum);
            }
            switch (o.result()) {
                case OK -> ok++;
                case SHED -> shed++;
                case ERROR -> errors++;
            }
            firstStart = Math.min(firstStart, o.startNanos());
            lastEnd = Math.max(lastEnd, o.endNanos());
            tokens += o.outputTokens();
            if (o.result() == Outcome.Result.OK) {
                gapCount += o.gapsNanos().length;
                if (o.promptTokens() > 0 && o.hitTokens() >= 0) {
                    prompt += o.promptTokens();
                    hits += o.hitTokens();
                }
            }
        }
        long[] ttft = new long[ok];
        long[] latency = new long[ok];
        long[] gaps = new long[gapCount];
        int t = 0;
        int l = 0;
        int g = 0;
        for (Outcome o : outcomes) {
            if (o.result() == Outcome.Result.OK) {
                latency[l++] = o.endNanos() - o.startNanos();
                if (o.ttftNanos() >= 0) {
                    ttft[t++] = o.ttftNanos();
                }
                System.arraycopy(o.gapsNanos(), 0, gaps, g, o.gapsNanos().length);
                g += o.gapsNanos().length;
            }
        }
        Percentiles tp = new Percentiles(java.util.Arrays.copyOf(ttft, t));
        Percentiles gp = new Percentiles(gaps);
        double span = outcomes.isEmpty() ? 0 : (lastEnd - firstStart) / 1e9;
        int n = outcomes.size();
        return new StepStats(
                strategy,
                routers,
                rate,
                n,
                ok,
                shed,
                errors,
                ms(tp.at(50)),
                ms(tp.at(90)),
                ms(tp.at(99)),
                ms(gp.at(50)),
                span > 0 ? tokens / span : 0,
                prompt > 0 ? (double) hits / prompt : Double.NaN,
                n > 0 && ok >= minSuccess * n,
                String.join("/", perPod.values().stream().map(String::valueOf).toList()),
                ms(new Percentiles(latency).at(90)),
                Double.NaN,
                Double.NaN);
    }

    private static double ms(double nanos) {
        return nanos / 1e6;
    }

    /** Share of requests answered 429/503. */
    public double shedRate() {
        return requests == 0 ? 0 : (double) shed / requests;
    }

    /** A tab-separated line in {@link #HEADER}'s order. */
    public String tsv() {
        return String.join(
                "\t",
                strategy,
                Integer.toString(routers),
                num(rate),
                Integer.toString(requests),
                Integer.toString(ok),
                Integer.toString(shed),
                Integer.toString(errors),
                num(ttftP50Ms),
                num(ttftP90Ms),
                num(ttftP99Ms),
                num(itlP50Ms),
                num(outputTokensPerSecond),
                num(hitRate),
                Boolean.toString(completes),
                pods.isEmpty() ? "-" : pods,
                num(latencyP90Ms),
                num(stuckShare),
                num(stuckLongestMs));
    }

    /** Parses a {@link #tsv()} line. */
    public static StepStats parse(String line) {
        String[] f = line.split("\t");
        if (f.length < 14 || f.length > 18 || f.length == 17) {
            throw new IllegalArgumentException(
                    "expected 14, 15, 16 or 18 tab-separated fields, got " + f.length + ": " + line);
        }
        return new StepStats(
                f[0],
                Integer.parseInt(f[1]),
                Double.parseDouble(f[2]),
                Integer.parseInt(f[3]),
                Integer.parseInt(f[4]),
                Integer.parseInt(f[5]),
                Integer.parseInt(f[6]),
                Double.parseDouble(f[7]),
                Double.parseDouble(f[8]),
                Double.parseDouble(f[9]),
                Double.parseDouble(f[10]),
                Double.parseDouble(f[11]),
                Double.parseDouble(f[12]),
                Boolean.parseBoolean(f[13]),
                f.length >= 15 && !f[14].equals("-") ? f[14] : "",
                f.length >= 16 ? Double.parseDouble(f[15]) : Double.NaN,
                f.length == 18 ? Double.parseDouble(f[16]) : Double.NaN,
                f.length == 18 ? Double.parseDouble(f[17]) : Double.NaN);
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%.4f", v);
    }
}
