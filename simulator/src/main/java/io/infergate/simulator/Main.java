package io.infergate.simulator;

import io.helidon.logging.common.LogConfig;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Command line: starts the requested pods, logs one line per pod once it listens, and stops them
 * all on SIGTERM or Ctrl-C. See {@link CommandLine#USAGE} or {@code --help}.
 */
public final class Main {

    static {
        // One line per record; set before any handler formats a record, unless the user chose a format.
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %3$s: %5$s%6$s%n");
        }
    }

    /** Held strongly: JUL forgets the level of a logger nobody references. */
    private static final Logger HELIDON = Logger.getLogger("io.helidon");

    private static final Logger LOG = Logger.getLogger(Main.class.getName());

    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        configureLogging();
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs until the JVM shuts down; returns an exit status only when it could not start. */
    static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        if (CommandLine.wantsHelp(args)) {
            out.print(CommandLine.USAGE);
            return 0;
        }
        List<SimulatorConfig> configs;
        try {
            configs = CommandLine.parse(args);
        } catch (CommandLine.UsageException e) {
            err.println("simulator: " + e.getMessage());
            err.println("Run with --help for usage.");
            return 2;
        }
        List<SimulatedPod> pods = new ArrayList<>();
        try {
            for (SimulatorConfig config : configs) {
                SimulatedPod pod = SimulatedPod.start(config);
                pods.add(pod);
                LOG.info(() -> "pod " + pod.podName() + " listening on " + pod.baseUrl() + " serving "
                        + String.join(",", config.models())
                        + (config.loraAdapters().isEmpty()
                                ? ""
                                : " + LoRA " + String.join(",", config.loraAdapters())));
            }
        } catch (IllegalStateException e) {
            err.println("simulator: " + e.getMessage());
            if (configs.size() > 1 && !configs.getFirst().host().equals("127.0.0.1")) {
                err.println("(addresses other than 127.0.0.1 must exist: on macOS add them with "
                        + "'sudo ifconfig lo0 alias 127.0.0.2', or use --host 127.0.0.1 --pods N)");
            }
            pods.forEach(SimulatedPod::close);
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            pods.forEach(SimulatedPod::close);
                            // Not through JUL: its own shutdown hook may already have closed the handlers.
                            out.println("simulator: stopped " + pods.size() + " pod(s)");
                            stopped.countDown();
                        },
                        "simulator-shutdown"));
        stopped.await();
        return 0;
    }

    /**
     * Helidon's own start-up chatter only from WARNING up, unless the user supplies a logging
     * configuration (a logging.properties file, which Helidon reads, or -Djava.util.logging.config.file).
     */
    private static void configureLogging() {
        LogConfig.configureRuntime();
        if (System.getProperty("java.util.logging.config.file") == null
                && !Files.exists(Path.of("logging.properties"))) {
            HELIDON.setLevel(Level.WARNING);
        }
    }
}
