package io.infergate.bench.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code run}: replays the workload against routers and appends one TSV row per step to a results
 * file. {@code report}: turns a results file into the markdown table. {@code medians}: sums up
 * several runs' results files ({@link Medians}). Exit 2 on bad arguments.
 */
public final class Main {

    static final String USAGE = """
            Usage:
              loadgen run --workload FILE --routers URL[,URL...] --strategy NAME --results FILE [--steps N]
                          [--pods URL[,URL...] --pod-slots N [--watch-ms MS]]
              loadgen report --results FILE [--workload FILE]
              loadgen medians --results FILE,FILE[,...] [--workload FILE]
            run: replays bench/scheduling/workload.yaml against the routers (request k to router k mod R)
                 and appends a TSV row per rate step to --results (header written when the file is new);
                 --steps N runs only the first N steps (short development runs); --pods samples the pods'
                 queues every --watch-ms (default 50, the router's scrape interval) and reports how often
                 and how long a request waited on one pod while another of --pod-slots slots had one free.
            report: prints the markdown results table, the ratios against random and the done-when checks
                    (--workload: the file the rows were run with; a closed-loop one labels steps as clients).
            medians: several runs' results files of the same command (one per run): each step's p90 TTFT per
                     run and the medians over the runs, with their ratios to random's medians.
            """;

    private Main() {}

    public static void main(String[] args) throws Exception {
        try {
            System.exit(run(List.of(args)));
        } catch (IllegalArgumentException e) {
            System.err.println("loadgen: " + e.getMessage());
            System.exit(2);
        }
    }

    static int run(List<String> args) throws IOException, InterruptedException {
        if (args.isEmpty()) {
            System.err.print(USAGE);
            return 2;
        }
        String command = args.getFirst();
        java.util.Map<String, String> opts = new java.util.HashMap<>();
        for (int i = 1; i < args.size(); i += 2) {
            if (!args.get(i).startsWith("--") || i + 1 >= args.size()) {
                throw new IllegalArgumentException("expected --flag value, got '" + args.get(i) + "'");
            }
            opts.put(args.get(i), args.get(i + 1));
        }
        if (command.equals("medians")) {
            List<List<StepStats>> runs = new ArrayList<>();
            for (String file : required(opts, "--results").split(",")) {
                runs.add(rows(Path.of(file.trim())));
            }
            System.out.print(Medians.markdown(runs, closedLoop(opts)));
            return 0;
        }
        Path results = Path.of(required(opts, "--results"));
        if (command.equals("report")) {
            System.out.print(Report.markdown(rows(results), closedLoop(opts)));
            return 0;
        }
        if (!command.equals("run")) {
            throw new IllegalArgumentException("unknown command '" + command + "'");
        }
        Workload w = Workload.read(Path.of(required(opts, "--workload")));
        if (opts.containsKey("--steps")) {
            w = w.firstSteps(Integer.parseInt(opts.get("--steps")));
        }
        List<String> routers = Arrays.stream(required(opts, "--routers").split(","))
                .map(String::trim)
                .toList();
        String strategy = required(opts, "--strategy");
        if (!Files.exists(results)) {
            Files.writeString(results, StepStats.HEADER + "\n", StandardCharsets.UTF_8);
        }
        PodWatch watch = opts.containsKey("--pods")
                ? new PodWatch(
                        Arrays.stream(opts.get("--pods").split(","))
                                .map(String::trim)
                                .toList(),
                        positive(required(opts, "--pod-slots"), "--pod-slots"),
                        java.time.Duration.ofMillis(positive(opts.getOrDefault("--watch-ms", "50"), "--watch-ms")))
                : null;
        try {
            replay(w, routers, strategy, results, watch);
        } finally {
            if (watch != null) {
                watch.close();
            }
        }
        return 0;
    }

    /** Whether the optional {@code --workload} of a summing command is closed-loop (steps are clients). */
    private static boolean closedLoop(java.util.Map<String, String> opts) throws IOException {
        return opts.containsKey("--workload")
                && Workload.read(Path.of(opts.get("--workload"))).closedLoop();
    }

    /** The rows of a results file (its header and blank lines skipped). */
    private static List<StepStats> rows(Path results) throws IOException {
        List<StepStats> rows = new ArrayList<>();
        for (String line : Files.readAllLines(results)) {
            if (!line.isBlank() && !line.startsWith("strategy\t")) {
                rows.add(StepStats.parse(line));
            }
        }
        return rows;
    }

    private static int positive(String raw, String flag) {
        try {
            int v = Integer.parseInt(raw.trim());
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(flag + " must be a positive integer, got '" + raw + "'");
    }

    /** Runs every step; each step's row goes to stdout and to the results file. */
    private static void replay(Workload fw, List<String> routers, String strategy, Path results, PodWatch watch)
            throws InterruptedException {
        int[] step = {0};
        new Runner(fw, routers).run(outcomes -> {
            double rate = fw.rates().get(step[0]++);
            StepStats s = StepStats.of(strategy, routers.size(), rate, outcomes, fw.completeMinSuccess());
            if (watch != null) {
                s = s.withBalance(watch.drain());
            }
            System.out.printf(
                    Locale.ROOT,
                    "%s routers=%d rate=%s: %d requests, ok %d, shed %d, errors %d, "
                            + "TTFT p50/p90/p99 %.0f/%.0f/%.0f ms, ITL p50 %.1f ms, %.0f tok/s, hit %.1f%%, "
                            + "stuck %.1f%% (longest %.0f ms)%n",
                    strategy,
                    routers.size(),
                    rate,
                    s.requests(),
                    s.ok(),
                    s.shed(),
                    s.errors(),
                    s.ttftP50Ms(),
                    s.ttftP90Ms(),
                    s.ttftP99Ms(),
                    s.itlP50Ms(),
                    s.outputTokensPerSecond(),
                    100 * s.hitRate(),
                    100 * s.stuckShare(),
                    s.stuckLongestMs());
            try {
                Files.writeString(results, s.tsv() + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private static String required(java.util.Map<String, String> opts, String flag) {
        String v = opts.get(flag);
        if (v == null) {
            throw new IllegalArgumentException(flag + " is required");
        }
        return v;
    }
}
