package io.infergate.controller;

import io.helidon.logging.common.LogConfig;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Command line: {@code controller --manifests DIR [--routers URL,...] [--token-file PATH] ...}
 * (see {@link CommandLine#USAGE} or {@code --help}). Runs until SIGTERM or Ctrl-C.
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

    private Main() {
    }

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
        ControllerConfig config;
        try {
            config = CommandLine.parse(args);
        } catch (CommandLine.UsageException e) {
            err.println("controller: " + e.getMessage());
            err.println("Run with --help for usage.");
            return 2;
        }
        if (config.routers().isEmpty()) {
            err.println("controller: no --routers: snapshots are built and shown on the admin socket, not pushed");
        }
        ControllerApp app;
        try {
            app = ControllerApp.start(config);
        } catch (IllegalStateException e) {
            err.println("controller: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            // Not through JUL: its own shutdown hook may already have closed the handlers.
            out.println("controller: stopped");
            stopped.countDown();
        }, "controller-shutdown"));
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
