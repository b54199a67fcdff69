package io.infergate.router;

import io.helidon.logging.common.LogConfig;
import io.infergate.router.schedule.PoolSettings;
import io.infergate.router.snapshot.CertificateFiles;
import io.infergate.router.snapshot.TokenFile;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The router process: {@code router --token-file PATH [--bind ADDR] [--internal-bind ADDR]
 * [--internal-port N] [--internal-tls DIR] [--config FILE] [--scheduler-config FILE]}. Bad flags or files print a precise message and exit 2.
 * SIGTERM (or Ctrl-C) drains: readiness DOWN, every response says {@code Connection: close}, the
 * sockets serve until no request has been in flight for {@link RouterApp#DRAIN_QUIET} (at most the
 * drain timeout), then close, letting requests still in flight finish, and the process exits.
 */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        RouterConfig config;
        TokenFile tokenFile;
        Optional<CertificateFiles> internalTls;
        switch (CommandLine.parse(List.of(args))) {
            case CommandLine.Parsed.Help h -> {
                System.out.print(CommandLine.USAGE);
                return;
            }
            case CommandLine.Parsed.Invalid e -> {
                exit(e.message());
                return;
            }
            case CommandLine.Parsed.Run run -> {
                try {
                    tokenFile = new TokenFile(run.tokenFile());
                    internalTls = run.internalTls().map(CertificateFiles::new);
                    config = config(run);
                } catch (IllegalArgumentException e) {
                    exit(e.getMessage());
                    return;
                }
            }
        }
        LogConfig.configureRuntime(); // after the flags, so that usage errors print alone
        RouterApp app;
        try {
            app = RouterApp.start(config, new java.util.Random(), tokenFile, internalTls);
        } catch (IllegalStateException e) {
            System.err.println("router: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            // stderr, not JUL: the JDK resets JUL handlers in its own shutdown hook, concurrently
                            System.err.println("router: shutting down, draining in-flight requests (up to "
                                    + config.listeners().drainTimeout() + ")");
                            boolean quiet = app.drain(RouterApp.DRAIN_QUIET);
                            System.err.println("router: "
                                    + (quiet
                                            ? "no request in flight for " + RouterApp.DRAIN_QUIET
                                            : "drain timeout reached")
                                    + ": closing the sockets");
                            app.close();
                            System.err.println("router: stopped");
                            stopped.countDown();
                        },
                        "router-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static RouterConfig config(CommandLine.Parsed.Run run) {
        String token;
        try {
            token = TokenFile.read(run.tokenFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("--token-file " + run.tokenFile() + ": cannot read it ("
                    + e.getClass().getSimpleName() + ")");
        }
        ConfigFile.Settings settings = run.configFile().map(ConfigFile::read).orElseGet(ConfigFile::defaults);
        PoolSettings pools = settings.pools();
        if (run.schedulerConfig().isPresent()) {
            pools = pools.withScheduler(
                    ConfigFile.readScheduler(run.schedulerConfig().get()));
        }
        return new RouterConfig(
                run.bind(),
                run.internalBind(),
                run.internalPort(),
                token,
                settings.listeners(),
                settings.proxy(),
                settings.maxSnapshotBytes(),
                pools,
                settings.jwks(),
                settings.rateLimits(),
                settings.tracing());
    }

    private static void exit(String message) {
        System.err.println("router: " + message);
        System.err.println("Run 'router --help' for usage.");
        System.exit(2);
    }
}
