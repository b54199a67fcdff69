package io.infergate.controller;

import io.infergate.controller.kube.RouterDiscovery;
import io.infergate.controller.translate.TranslatorConfig;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses Main's arguments into a {@link ControllerConfig} (local mode, {@code --manifests}) or a
 * {@link ClusterConfig} (cluster mode, the default). Flags take their value as the next argument
 * or after '='; the {@code --enable-*} flags alone mean true. Any mistake is a {@link UsageException} naming the flag, so Main can
 * print it and exit 2 before anything starts. The token file is read here, once; its content never
 * appears in a message.
 */
final class CommandLine {

    static final String USAGE = """
            Usage: controller [--manifests DIR] [options]

            Translates Gateway API and Inference Extension objects into snapshots for the routers
            and into the status of each object.

            Source:
              (default)                cluster mode: read objects from the Kubernetes API, write
                                       their status, push snapshots to the router pods
              --manifests DIR          local mode: read every *.yaml / *.yml in DIR (multi-document),
                                       and again on every change

            Cluster mode:
              --kubeconfig FILE        the API server and credentials (default: in-cluster service account)
              --namespace NS           the controller's namespace: Lease, router pods and Service, token
                                       Secret (default: $POD_NAMESPACE, else kthena-system)
              --enable-gateway-api[=true|false]
                                       watch GatewayClass, Gateway, HTTPRoute, ReferenceGrant (default true)
              --enable-gateway-api-inference-extension[=true|false]
                                       watch InferencePool, InferenceObjective (default true)
              --router-service NAME    the Service whose addresses Gateways report (default kthena-router)
              --router-selector K=V[,K=V...]
                                       labels of the router pods (default app.kubernetes.io/name=kthena-router)
              --router-internal-port P the routers' snapshot API port (default 15000)
              --gateway-ports A-B      router ports for Gateways that share a port with an older
                                       Gateway: each gets ports of this range and a Service of its
                                       own (default 20000-20999; docs/adr/0006-gateway-isolation.md)
              --token-secret NAME      Secret with the snapshot API token under key 'token'; created with
                                       a random token when absent (default infergate-snapshot-token)
              --lease-name NAME        the leader election Lease (default infergate-controller)
              --identity ID            this controller's identity in the election (default: $POD_NAME,
                                       else the host name, plus a random suffix)

            Local mode:
              --routers URL[,URL...]   the routers' internal API, e.g. http://127.0.0.1:15000;
                                       repeatable or comma-separated (none: build, do not push)
              --token-file PATH        file holding the bearer token of the routers' snapshot API
                                       (required with --routers)
              --gateway-address ADDR   reported in Gateway status.addresses when the Gateway names
                                       none; repeatable or comma-separated (default: the hosts of
                                       --routers)

            Both:
              --controller-name NAME   GatewayClasses with this spec.controllerName are ours
                                       (default infergate.io/gateway-controller)
              --admin-port P           admin socket (status, snapshot, /observe/health,
                                       /observe/metrics); default 9090, 0 picks a free port
              --admin-bind ADDR        default 127.0.0.1 in local mode, 0.0.0.0 in cluster mode

              --help                   print this text and exit

            Runs until SIGTERM or Ctrl-C. Exit status 1 if it cannot start, 2 for bad arguments.
            """;

    private static final Set<String> LOCAL = Set.of("--manifests", "--routers", "--token-file", "--gateway-address");
    private static final Set<String> CLUSTER = Set.of("--kubeconfig", "--namespace", "--enable-gateway-api",
            "--enable-gateway-api-inference-extension", "--router-service", "--router-selector", "--router-internal-port",
            "--gateway-ports", "--token-secret", "--lease-name", "--identity");
    private static final Set<String> BOTH = Set.of("--admin-port", "--admin-bind", "--controller-name");
    private static final Set<String> BOOLEAN = Set.of("--enable-gateway-api", "--enable-gateway-api-inference-extension");
    private static final Set<String> REPEATABLE = Set.of("--routers", "--gateway-address");
    private static final Pattern CONTROLLER_NAME = Pattern.compile(
            "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+$");
    private static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
    private static final Pattern DNS_NAME = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");

    private CommandLine() {
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
        record Local(ControllerConfig config) implements Mode {
        }

        /** Cluster mode: the Kubernetes API. */
        record Cluster(ClusterConfig config) implements Mode {
        }
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
            if (!LOCAL.contains(flag) && !CLUSTER.contains(flag) && !BOTH.contains(flag)) {
                throw new UsageException("unknown option '" + arg + "'");
            }
            if (value == null && BOOLEAN.contains(flag)) {
                value = i + 1 < args.length && (args[i + 1].equals("true") || args[i + 1].equals("false")) ? args[++i] : "true";
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
        String controllerName = one(values, "--controller-name").orElse(TranslatorConfig.DEFAULT_CONTROLLER_NAME);
        if (!CONTROLLER_NAME.matcher(controllerName).matches()) {
            throw new UsageException("--controller-name must look like DOMAIN/PATH (e.g. example.net/gateway-controller), got '"
                    + controllerName + "'");
        }
        int port = port("--admin-port", one(values, "--admin-port").orElse(String.valueOf(ControllerConfig.DEFAULT_ADMIN_PORT)));
        boolean local = values.containsKey("--manifests");
        String bind = one(values, "--admin-bind")
                .orElse(local ? ControllerConfig.DEFAULT_ADMIN_BIND : ClusterConfig.DEFAULT_ADMIN_BIND);
        if (bind.isBlank()) {
            throw new UsageException("--admin-bind must not be empty");
        }
        for (String flag : values.keySet()) {
            if (local && CLUSTER.contains(flag)) {
                throw new UsageException(flag + " is for cluster mode; it cannot be used with --manifests");
            }
            if (!local && LOCAL.contains(flag)) {
                throw new UsageException(flag + " is for local mode (--manifests DIR); in cluster mode "
                        + (flag.equals("--gateway-address") ? "Gateways report the router Service's addresses"
                        : "router pods are found by --router-selector and the token comes from --token-secret"));
            }
        }
        return local ? new Mode.Local(local(values, controllerName, bind, port))
                : new Mode.Cluster(cluster(values, env, hostName, controllerName, bind, port));
    }

    private static ControllerConfig local(Map<String, List<String>> values, String controllerName, String bind, int port)
            throws UsageException {
        Path manifests = manifests(one(values, "--manifests").orElseThrow());
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
        List<String> addresses = list(values, "--gateway-address");
        return new ControllerConfig(manifests, routers, token, bind, port, controllerName,
                addresses.isEmpty() ? ControllerConfig.hostsOf(routers) : addresses, ControllerConfig.Tuning.defaults());
    }

    private static ClusterConfig cluster(Map<String, List<String>> values, Map<String, String> env, String hostName,
                                         String controllerName, String bind, int port) throws UsageException {
        String namespace = one(values, "--namespace")
                .or(() -> Optional.ofNullable(env.get("POD_NAMESPACE")).filter(n -> !n.isBlank()))
                .orElse(ClusterConfig.DEFAULT_NAMESPACE);
        label("--namespace", namespace);
        String identity = one(values, "--identity").orElseGet(() -> Optional.ofNullable(env.get("POD_NAME"))
                .filter(n -> !n.isBlank()).orElse(hostName) + "_" + HexFormat.of().formatHex(randomBytes()));
        if (identity.isBlank()) {
            throw new UsageException("--identity must not be empty");
        }
        ClusterConfig.Builder b = ClusterConfig.builder(namespace, identity)
                .gatewayApi(bool(values, "--enable-gateway-api"))
                .inferenceExtension(bool(values, "--enable-gateway-api-inference-extension"))
                .routerService(name("--router-service", one(values, "--router-service").orElse(ClusterConfig.DEFAULT_ROUTER_SERVICE)))
                .routerInternalPort(port("--router-internal-port", one(values, "--router-internal-port")
                        .orElse(String.valueOf(ClusterConfig.DEFAULT_ROUTER_INTERNAL_PORT))))
                .tokenSecret(name("--token-secret", one(values, "--token-secret").orElse(ClusterConfig.DEFAULT_TOKEN_SECRET)))
                .leaseName(name("--lease-name", one(values, "--lease-name").orElse(ClusterConfig.DEFAULT_LEASE_NAME)))
                .controllerName(controllerName)
                .admin(bind, port);
        Optional<String> gatewayPorts = one(values, "--gateway-ports");
        if (gatewayPorts.isPresent()) {
            String[] ab = gatewayPorts.get().split("-", 2);
            int from = port("--gateway-ports", ab[0].trim());
            int to = ab.length == 2 ? port("--gateway-ports", ab[1].trim()) : -1;
            if (from < 1 || to < from) {
                throw new UsageException("--gateway-ports: expected a range A-B with 1 <= A <= B, got '" + gatewayPorts.get() + "'");
            }
            b.gatewayPorts(from, to - from + 1);
        }
        try {
            b.routerSelector(RouterDiscovery.selector(one(values, "--router-selector").orElse(ClusterConfig.DEFAULT_ROUTER_SELECTOR)));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--router-selector: " + e.getMessage());
        }
        Optional<String> kubeconfig = one(values, "--kubeconfig");
        if (kubeconfig.isPresent()) {
            Path file = Path.of(kubeconfig.get());
            if (!Files.isReadable(file)) {
                throw new UsageException("--kubeconfig: cannot read '" + kubeconfig.get() + "'");
            }
            b.kubeconfig(file.toAbsolutePath());
        }
        ClusterConfig c = b.build();
        if (c.routerInternalPort() == 0) {
            throw new UsageException("--router-internal-port must be 1..65535");
        }
        return c;
    }

    private static boolean bool(Map<String, List<String>> values, String flag) throws UsageException {
        String v = one(values, flag).orElse("true");
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new UsageException(flag + " takes true or false, got '" + v + "'");
        };
    }

    private static String name(String flag, String value) throws UsageException {
        if (value.length() > 253 || !DNS_NAME.matcher(value).matches()) {
            throw new UsageException(flag + " must be a Kubernetes object name (lower-case DNS name), got '" + value + "'");
        }
        return value;
    }

    private static void label(String flag, String value) throws UsageException {
        if (value.length() > 63 || !DNS_LABEL.matcher(value).matches()) {
            throw new UsageException(flag + " must be a namespace name (lower-case DNS label), got '" + value + "'");
        }
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[4];
        new SecureRandom().nextBytes(b);
        return b;
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

    private static int port(String flag, String text) throws UsageException {
        try {
            int p = Integer.parseInt(text);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new UsageException(flag + " must be 0..65535, got '" + text + "'");
        }
    }
}
