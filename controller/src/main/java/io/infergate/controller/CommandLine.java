package io.infergate.controller;

import io.infergate.controller.translate.TranslatorConfig;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses Main's arguments into a {@link ControllerConfig}. Flags take their value as the next
 * argument or after '='. Any mistake is a {@link UsageException} naming the flag, so Main can
 * print it and exit 2 before anything starts. The token file is read here, once; its content never
 * appears in a message.
 */
final class CommandLine {

    static final String USAGE = """
            Usage: controller --manifests DIR [options]

            Translates Gateway API and Inference Extension objects into snapshots for the routers
            and into the status each object would carry in Kubernetes.

            Source (this version runs in local mode only):
              --manifests DIR          read every *.yaml / *.yml in DIR (multi-document), and again
                                       on every change

            Routers:
              --routers URL[,URL...]   the routers' internal API, e.g. http://127.0.0.1:15000;
                                       repeatable or comma-separated (none: build, do not push)
              --token-file PATH        file holding the bearer token of the routers' snapshot API
                                       (required with --routers)

            Gateways:
              --controller-name NAME   GatewayClasses with this spec.controllerName are ours
                                       (default infergate.io/gateway-controller)
              --gateway-address ADDR   reported in Gateway status.addresses when the Gateway names
                                       none; repeatable or comma-separated (default: the hosts of
                                       --routers)

            Admin socket (status, snapshot, /observe/health, /observe/metrics):
              --admin-port P           default 9090; 0 picks a free port
              --admin-bind ADDR        default 127.0.0.1

              --help                   print this text and exit

            Runs until SIGTERM or Ctrl-C. Exit status 1 if it cannot start, 2 for bad arguments.
            """;

    private static final Set<String> FLAGS = Set.of("--manifests", "--routers", "--token-file", "--admin-port",
            "--admin-bind", "--controller-name", "--gateway-address");
    private static final Set<String> REPEATABLE = Set.of("--routers", "--gateway-address");
    private static final Pattern CONTROLLER_NAME = Pattern.compile(
            "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+$");

    private CommandLine() {
    }

    /** A mistake in the arguments, in words that name the flag. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    static boolean wantsHelp(String[] args) {
        return Arrays.stream(args).anyMatch(a -> a.equals("--help") || a.equals("-h"));
    }

    static ControllerConfig parse(String[] args) throws UsageException {
        Map<String, List<String>> values = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String flag = arg;
            String value;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                flag = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            } else {
                value = null;
            }
            if (!FLAGS.contains(flag)) {
                throw new UsageException("unknown option '" + arg + "'");
            }
            if (value == null) {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw new UsageException(flag + " needs a value");
                }
                value = args[++i];
            }
            if (values.containsKey(flag) && !REPEATABLE.contains(flag)) {
                throw new UsageException(flag + " is given more than once");
            }
            values.computeIfAbsent(flag, k -> new ArrayList<>()).add(value);
        }

        Path manifests = manifests(one(values, "--manifests").orElseThrow(() -> new UsageException(
                "--manifests DIR is required: this version reads objects from a folder of manifests only "
                        + "(reading them from the Kubernetes API comes in a later version)")));
        List<URI> routers = new ArrayList<>();
        for (String r : list(values, "--routers")) {
            URI uri = router(r);
            if (!routers.contains(uri)) {
                routers.add(uri);
            }
        }
        Optional<ControllerConfig.Token> token = Optional.empty();
        Optional<String> tokenFile = one(values, "--token-file");
        if (tokenFile.isPresent()) {
            token = Optional.of(token(tokenFile.get()));
        } else if (!routers.isEmpty()) {
            throw new UsageException("--token-file is required with --routers (the routers' snapshot API needs its token)");
        }
        String controllerName = one(values, "--controller-name").orElse(TranslatorConfig.DEFAULT_CONTROLLER_NAME);
        if (!CONTROLLER_NAME.matcher(controllerName).matches()) {
            throw new UsageException("--controller-name must look like DOMAIN/PATH (e.g. example.net/gateway-controller), got '"
                    + controllerName + "'");
        }
        List<String> addresses = list(values, "--gateway-address");
        int port = port(one(values, "--admin-port").orElse(String.valueOf(ControllerConfig.DEFAULT_ADMIN_PORT)));
        String bind = one(values, "--admin-bind").orElse(ControllerConfig.DEFAULT_ADMIN_BIND);
        if (bind.isBlank()) {
            throw new UsageException("--admin-bind must not be empty");
        }
        return new ControllerConfig(manifests, routers, token, bind, port, controllerName,
                addresses.isEmpty() ? ControllerConfig.hostsOf(routers) : addresses, ControllerConfig.Tuning.defaults());
    }

    private static Optional<String> one(Map<String, List<String>> values, String flag) {
        return Optional.ofNullable(values.get(flag)).map(List::getFirst);
    }

    /** Every value of a repeatable flag, commas splitting further; empty items are mistakes. */
    private static List<String> list(Map<String, List<String>> values, String flag) throws UsageException {
        List<String> out = new ArrayList<>();
        for (String v : values.getOrDefault(flag, List.of())) {
            for (String item : v.split(",", -1)) {
                if (item.isBlank()) {
                    throw new UsageException(flag + " has an empty item in '" + v + "'");
                }
                out.add(item.strip());
            }
        }
        return out;
    }

    private static Path manifests(String dir) throws UsageException {
        Path p = Path.of(dir);
        if (!Files.isDirectory(p)) {
            throw new UsageException("--manifests: '" + dir + "' is not a folder");
        }
        return p.toAbsolutePath().normalize();
    }

    private static URI router(String text) throws UsageException {
        try {
            URI uri = new URI(text);
            if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new UsageException("--routers: '" + text + "' is not an http://host:port URL");
            }
            if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
                throw new UsageException("--routers: '" + text + "' must not have a path (the API path is fixed)");
            }
            return new URI("http", null, uri.getHost(), uri.getPort(), null, null, null);
        } catch (URISyntaxException e) {
            throw new UsageException("--routers: '" + text + "' is not a URL: " + e.getReason());
        }
    }

    private static ControllerConfig.Token token(String file) throws UsageException {
        String content;
        try {
            content = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UsageException("--token-file: cannot read '" + file + "': " + e.getMessage());
        }
        if (content.isEmpty()) {
            throw new UsageException("--token-file: '" + file + "' is empty");
        }
        return new ControllerConfig.Token(content);
    }

    private static int port(String text) throws UsageException {
        try {
            int p = Integer.parseInt(text);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new UsageException("--admin-port must be 0..65535, got '" + text + "'");
        }
    }
}
