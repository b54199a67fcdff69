package io.infergate.router;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The router's flags, parsed without side effects. {@code --flag value} and {@code --flag=value}
 * are both accepted; anything else is an error naming the offending argument.
 */
final class CommandLine {

    static final String USAGE = """
            Usage: router --token-file PATH [options]

              --token-file PATH     file holding the bearer token of the snapshot API (required;
                                    trimmed; must not be empty)
              --bind ADDR           address public listeners bind on for Gateways without
                                    spec.addresses (default 127.0.0.1)
              --internal-bind ADDR  address of the internal socket: snapshot API, health,
                                    metrics (default: the --bind address)
              --internal-port N     port of the internal socket (default 15000)
              --internal-tls DIR    serve the internal socket over TLS with DIR/tls.crt and
                                    DIR/tls.key, re-read when they change (default: plain
                                    HTTP; docs/adr/0035-internal-api-tls.md)
              --config FILE         optional YAML file with limits and timeouts (see docs/router.md)
              --scheduler-config FILE
                                    optional SchedulerConfig YAML: plugins and profiles of
                                    InferencePool scheduling (see docs/plugins/README.md)
              --help                print this text and exit
            """;

    /** What the arguments ask for. */
    sealed interface Parsed {
        /** Run the router with these options. */
        record Run(
                String bind,
                String internalBind,
                int internalPort,
                Path tokenFile,
                Optional<Path> configFile,
                Optional<Path> schedulerConfig,
                Optional<Path> internalTls)
                implements Parsed {
            Run(String bind, String internalBind, int internalPort, Path tokenFile, Optional<Path> configFile) {
                this(bind, internalBind, internalPort, tokenFile, configFile, Optional.empty(), Optional.empty());
            }
        }

        /** Print the usage text. */
        record Help() implements Parsed {}

        /** The arguments are wrong; {@code message} says how. */
        record Invalid(String message) implements Parsed {}
    }

    private CommandLine() {}

    static Parsed parse(List<String> args) {
        String bind = "127.0.0.1";
        String internalBind = null;
        int internalPort = RouterConfig.DEFAULT_INTERNAL_PORT;
        Path tokenFile = null;
        Path configFile = null;
        Path schedulerConfig = null;
        Path internalTls = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--help") || arg.equals("-h")) {
                return new Parsed.Help();
            }
            if (!arg.startsWith("--")) {
                return new Parsed.Invalid("unexpected argument '" + arg + "'");
            }
            String name = arg;
            String value;
            int eq = arg.indexOf('=');
            if (eq >= 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                value = args.get(++i);
            } else {
                value = null;
            }
            if (!List.of(
                            "--bind",
                            "--internal-bind",
                            "--internal-port",
                            "--token-file",
                            "--config",
                            "--scheduler-config",
                            "--internal-tls")
                    .contains(name)) {
                return new Parsed.Invalid("unknown flag '" + name + "'");
            }
            if (value == null || value.isBlank()) {
                return new Parsed.Invalid("flag " + name + " needs a value");
            }
            switch (name) {
                case "--bind" -> bind = value;
                case "--internal-bind" -> internalBind = value;
                case "--internal-port" -> {
                    try {
                        internalPort = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        return new Parsed.Invalid("--internal-port must be a number, got '" + value + "'");
                    }
                    if (internalPort < 1 || internalPort > 65535) {
                        return new Parsed.Invalid("--internal-port must be in 1..65535, got " + internalPort);
                    }
                }
                case "--token-file" -> tokenFile = Path.of(value);
                case "--config" -> configFile = Path.of(value);
                case "--scheduler-config" -> schedulerConfig = Path.of(value);
                case "--internal-tls" -> internalTls = Path.of(value);
                default -> throw new IllegalStateException("unreachable: " + name);
            }
        }
        if (tokenFile == null) {
            return new Parsed.Invalid("--token-file is required (the bearer token of the snapshot API)");
        }
        return new Parsed.Run(
                bind,
                internalBind == null ? bind : internalBind,
                internalPort,
                tokenFile,
                Optional.ofNullable(configFile),
                Optional.ofNullable(schedulerConfig),
                Optional.ofNullable(internalTls));
    }
}
