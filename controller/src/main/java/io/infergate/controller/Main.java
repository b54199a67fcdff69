package io.infergate.controller;

import io.helidon.logging.common.LogConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Command line: {@code controller [--kubeconfig FILE] [--namespace NS] ...} in cluster mode, or
 * {@code controller --manifests DIR [--routers URL,...] [--token-file PATH] ...} in local mode
 * (see {@link CommandLine#USAGE} or {@code --help}). The environment (POD_NAMESPACE, POD_NAME,
 * HOSTNAME) is read here and nowhere else. Runs until SIGTERM or Ctrl-C.
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

    private static final Logger KUBERNETES_CLIENT = Logger.getLogger("io.kubernetes.client");

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
        CommandLine.Mode mode;
        try {
            mode = CommandLine.parse(args, System.getenv(), hostName());
        } catch (CommandLine.UsageException e) {
            err.println("controller: " + e.getMessage());
            err.println("Run with --help for usage.");
            return 2;
        }
        AutoCloseable app;
        try {
            app = switch (mode) {
                case CommandLine.Mode.Local local -> {
                    if (local.config().routers().isEmpty()) {
                        err.println(
                                "controller: no --routers: snapshots are built and shown on the admin socket, not pushed");
                    }
                    yield ControllerApp.start(local.config());
                }
                case CommandLine.Mode.Cluster cluster -> ClusterControllerApp.start(cluster.config());
            };
        } catch (IllegalStateException e) {
            err.println("controller: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("controller: cannot read the Kubernetes client configuration"
                    + (mode instanceof CommandLine.Mode.Cluster c
                                    && c.config().kubeconfig().isPresent()
                            ? " from " + c.config().kubeconfig().get()
                            : " (in-cluster: service account token and CA)")
                    + ": " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                app.close();
                            } catch (Exception e) {
                                err.println("controller: stopping: " + e.getMessage());
                            }
                            // Not through JUL: its own shutdown hook may already have closed the handlers.
                            out.println("controller: stopped");
                            stopped.countDown();
                        },
                        "controller-shutdown"));
        stopped.await();
        return 0;
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "controller";
        }
    }

    /**
     * Helidon's and the Kubernetes client's own chatter (every informer's start, every
     * re-list) only from WARNING up, unless the user supplies a logging
     * configuration (a logging.properties file, which Helidon reads, or -Djava.util.logging.config.file).
     */
    private static void configureLogging() {
        LogConfig.configureRuntime();
        if (System.getProperty("java.util.logging.config.file") == null
                && !Files.exists(Path.of("logging.properties"))) {
            HELIDON.setLevel(Level.WARNING);
            KUBERNETES_CLIENT.setLevel(Level.WARNING);
        }
    }
}
