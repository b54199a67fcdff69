package io.infergate.controller;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Parses Main's arguments into a {@link ControllerConfig} (local mode, {@code --manifests}) or a
 * {@link ClusterConfig} (cluster mode, the default). This class only tokenizes and picks the mode;
 * each settings record declares its flags and reads them ({@link ControllerConfig#FLAGS},
 * {@link ClusterConfig#FLAGS}, {@link CommonSettings#FLAGS}), and the usage text is written from
 * those declarations. Flags take their value as the next argument or after '='; the boolean flags
 * alone mean true. Any mistake is a {@link UsageException} naming the flag, so Main can print it
 * and exit 2 before anything starts.
 */
final class CommandLine {

    static final String USAGE = """
            Usage: controller [--manifests DIR] [options]

            Translates Gateway API and Inference Extension objects into snapshots for the routers
            and into the status of each object.

            Source:
              (default)                cluster mode: read objects from the Kubernetes API, write
                                       their status, push snapshots to the router pods
            """ + ControllerConfig.MANIFESTS.usage() + """

            Cluster mode:
            """ + usage(ClusterConfig.FLAGS) + """

            Local mode:
            """
            + usage(ControllerConfig.FLAGS) + """

            Both:
            """ + usage(CommonSettings.FLAGS) + """

              --help                   print this text and exit

            Runs until SIGTERM or Ctrl-C. Exit status 1 if it cannot start, 2 for bad arguments.
            """;

    private static final Set<String> LOCAL =
            names(Stream.concat(Stream.of(ControllerConfig.MANIFESTS), ControllerConfig.FLAGS.stream())
                    .toList());
    private static final Set<String> CLUSTER = names(ClusterConfig.FLAGS);
    private static final Map<String, Flag> ALL = Stream.of(
                    List.of(ControllerConfig.MANIFESTS),
                    ControllerConfig.FLAGS,
                    ClusterConfig.FLAGS,
                    CommonSettings.FLAGS)
            .flatMap(List::stream)
            .collect(Collectors.toMap(Flag::name, f -> f));

    private CommandLine() {}

    private static String usage(List<Flag> flags) {
        return flags.stream().map(Flag::usage).collect(Collectors.joining());
    }

    private static Set<String> names(List<Flag> flags) {
        return flags.stream().map(Flag::name).collect(Collectors.toUnmodifiableSet());
    }

    /** A mistake in the arguments, in words that name the flag. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    /** What to run. */
    sealed interface Mode {
        /** Local mode: a folder of manifests. */
        record Local(ControllerConfig config) implements Mode {}

        /** Cluster mode: the Kubernetes API. */
        record Cluster(ClusterConfig config) implements Mode {}
    }

    static boolean wantsHelp(String[] args) {
        return Arrays.stream(args).anyMatch(a -> a.equals("--help") || a.equals("-h"));
    }

    /** Local mode only (tests and tools): {@code --manifests} is required. */
    static ControllerConfig parse(String[] args) throws UsageException {
        return switch (parse(args, Map.of(), "localhost")) {
            case Mode.Local l -> l.config();
            case Mode.Cluster c -> throw new UsageException("--manifests DIR is required");
        };
    }

    /**
     * @param env      the environment (POD_NAMESPACE, POD_NAME are read)
     * @param hostName this host's name, the identity's default without POD_NAME
     */
    static Mode parse(String[] args, Map<String, String> env, String hostName) throws UsageException {
        Flags flags = tokenize(args);
        boolean local = flags.has(ControllerConfig.MANIFESTS.name());
        CommonSettings common = CommonSettings.create(flags, local);
        for (String flag : ALL.keySet()) {
            if (!flags.has(flag)) {
                continue;
            }
            if (local && CLUSTER.contains(flag)) {
                throw new UsageException(flag + " is for cluster mode; it cannot be used with --manifests");
            }
            if (!local && LOCAL.contains(flag)) {
                throw new UsageException(
                        flag + " is for local mode (--manifests DIR); in cluster mode "
                                + (flag.equals("--gateway-address")
                                        ? "Gateways report the router Service's addresses"
                                        : "router pods are found by --router-selector and the token comes from --token-secret"));
            }
        }
        return local
                ? new Mode.Local(ControllerConfig.create(flags, common))
                : new Mode.Cluster(ClusterConfig.create(flags, common, env, hostName));
    }

    /** Splits the arguments into flags and values; unknown, repeated (unless repeatable) and valueless flags are mistakes. */
    private static Flags tokenize(String[] args) throws UsageException {
        Map<String, List<String>> values = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            Flag flag = ALL.get(name);
            if (flag == null) {
                throw new UsageException("unknown option '" + arg + "'");
            }
            if (value == null && flag.bool()) {
                value = i + 1 < args.length && (args[i + 1].equals("true") || args[i + 1].equals("false"))
                        ? args[++i]
                        : "true";
            }
            if (value == null) {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw new UsageException(name + " needs a value");
                }
                value = args[++i];
            }
            if (values.containsKey(name) && !flag.repeatable()) {
                throw new UsageException(name + " is given more than once");
            }
            values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return new Flags(values);
    }
}
