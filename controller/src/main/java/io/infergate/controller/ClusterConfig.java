package io.infergate.controller;

import io.infergate.controller.kube.RouterDiscovery;
import io.infergate.controller.publish.Publisher;
import io.infergate.controller.translate.Isolation;
import io.infergate.controller.translate.TranslatorConfig;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Cluster mode's configuration. It owns its flags ({@link #FLAGS}: names, defaults, help), reads
 * and checks them in {@link #create}, and names the flag in every mistake, so a new setting is a
 * component, a flag and a line in {@code create}, all here.
 *
 * @param kubeconfig         a kubeconfig file; empty for the in-cluster service account
 * @param namespace          the controller's namespace: its Lease, the routers, their Service, the token Secret
 * @param identity           this controller among the candidates for the Lease
 * @param gatewayApi         watch GatewayClass, Gateway, HTTPRoute, ReferenceGrant
 * @param inferenceExtension watch InferencePool, InferenceObjective
 * @param routerService      the Service whose addresses Gateways report
 * @param routerSelector     labels of the router Pods
 * @param routerInternalPort the routers' snapshot API port
 * @param tokenSecret        the Secret with the snapshot API token (key {@code token}); created when absent
 * @param leaseName          the Lease of the leader election
 * @param controllerName     GatewayClasses with this controllerName are ours
 * @param adminBind          the admin socket's bind address
 * @param adminPort          the admin socket's port; 0 picks a free one
 * @param tuning             timings; {@link Tuning#defaults()} outside tests
 * @param gatewayPorts       router ports reserved for Gateways that share a port with an older
 *                           Gateway (docs/adr/0006-gateway-isolation.md)
 * @param servicePerGateway  every Gateway gets ports of {@code gatewayPorts} and a Service of its
 *                           own, none is reached through {@code routerService}
 *                           (docs/adr/0028-gateway-api-conformance-on-the-cluster.md)
 * @param routerTlsSecret    the Secret with the internal CA and the routers' serving certificate;
 *                           when present, routers are pushed to over verified TLS
 *                           (docs/adr/0035-internal-api-tls.md), else over plain HTTP
 * @param pickerServices     keep Service {@code infergate-picker} and its EndpointSlices (the ready
 *                           routers' picker ports) in every namespace whose pools name it
 *                           (docs/adr/0039-picker-services.md)
 */
public record ClusterConfig(
        Optional<Path> kubeconfig,
        String namespace,
        String identity,
        boolean gatewayApi,
        boolean inferenceExtension,
        String routerService,
        Map<String, String> routerSelector,
        int routerInternalPort,
        String tokenSecret,
        String leaseName,
        String controllerName,
        String adminBind,
        int adminPort,
        Tuning tuning,
        Isolation.PortRange gatewayPorts,
        boolean servicePerGateway,
        Optional<String> routerTlsSecret,
        boolean pickerServices) {

    static final String DEFAULT_NAMESPACE = "kthena-system";
    static final String DEFAULT_ROUTER_SERVICE = "kthena-router";
    static final String DEFAULT_ROUTER_SELECTOR = "app.kubernetes.io/name=kthena-router";
    static final int DEFAULT_ROUTER_INTERNAL_PORT = 15000;
    static final String DEFAULT_TOKEN_SECRET = "infergate-snapshot-token";
    static final String DEFAULT_LEASE_NAME = "infergate-controller";
    static final Isolation.PortRange DEFAULT_GATEWAY_PORTS = new Isolation.PortRange(20000, 1000);

    /** Cluster mode's own flags, in the order the usage text lists them. */
    static final List<Flag> FLAGS = List.of(
            Flag.of("--kubeconfig", "FILE", "the API server and credentials (default: in-cluster service account)"),
            Flag.of(
                    "--namespace",
                    "NS",
                    "the controller's namespace: Lease, router pods and Service, token",
                    "Secret (default: $POD_NAMESPACE, else " + DEFAULT_NAMESPACE + ")"),
            Flag.bool("--enable-gateway-api", "watch GatewayClass, Gateway, HTTPRoute, ReferenceGrant (default true)"),
            Flag.bool(
                    "--enable-gateway-api-inference-extension",
                    "watch InferencePool, InferenceObjective (default true)"),
            Flag.of(
                    "--router-service",
                    "NAME",
                    "the Service whose addresses Gateways report (default " + DEFAULT_ROUTER_SERVICE + ")"),
            Flag.of(
                    "--router-selector",
                    "K=V[,K=V...]",
                    "labels of the router pods (default " + DEFAULT_ROUTER_SELECTOR + ")"),
            Flag.of(
                    "--router-internal-port",
                    "P",
                    "the routers' snapshot API port (default " + DEFAULT_ROUTER_INTERNAL_PORT + ")"),
            Flag.of(
                    "--gateway-ports",
                    "A-B",
                    "router ports for Gateways that share a port with an older",
                    "Gateway: each gets ports of this range and a Service of its",
                    "own (default " + DEFAULT_GATEWAY_PORTS.start() + "-" + DEFAULT_GATEWAY_PORTS.last()
                            + "; docs/adr/0006-gateway-isolation.md)"),
            Flag.bool(
                    "--service-per-gateway",
                    "every Gateway gets ports of --gateway-ports and a Service of its",
                    "own, none is reached through --router-service (default false;",
                    "docs/adr/0028-gateway-api-conformance-on-the-cluster.md)"),
            Flag.of(
                    "--token-secret",
                    "NAME",
                    "Secret with the snapshot API token under key 'token'; created with",
                    "a random token when absent (default " + DEFAULT_TOKEN_SECRET + ")"),
            Flag.of(
                    "--router-tls-secret",
                    "NAME",
                    "Secret of the controller's internal CA and the routers' serving",
                    "certificate (created and renewed); pushes go over TLS verified",
                    "against that CA (default: none, plain HTTP; docs/adr/0035)"),
            Flag.bool(
                    "--picker-services",
                    "keep Service infergate-picker (and its EndpointSlices: the ready",
                    "routers' picker ports) in every namespace whose InferencePools",
                    "name it (default false; components/endpoint-picker sets it;",
                    "docs/adr/0039-picker-services.md)"),
            Flag.of("--lease-name", "NAME", "the leader election Lease (default " + DEFAULT_LEASE_NAME + ")"),
            Flag.of(
                    "--identity",
                    "ID",
                    "this controller's identity in the election (default: $POD_NAME,",
                    "else the host name, plus a random suffix)"));

    public ClusterConfig {
        Objects.requireNonNull(kubeconfig, "kubeconfig");
        Objects.requireNonNull(routerTlsSecret, "routerTlsSecret");
        routerSelector = Map.copyOf(routerSelector);
    }

    /**
     * Reads cluster mode's flags.
     *
     * @param env      the environment (POD_NAMESPACE, POD_NAME are read)
     * @param hostName this host's name, the identity's default without POD_NAME
     */
    static ClusterConfig create(Flags flags, CommonSettings common, Map<String, String> env, String hostName)
            throws CommandLine.UsageException {
        String namespace = Flags.namespace(
                "--namespace",
                flags.one("--namespace")
                        .or(() -> Optional.ofNullable(env.get("POD_NAMESPACE")).filter(n -> !n.isBlank()))
                        .orElse(DEFAULT_NAMESPACE));
        String identity = flags.one("--identity")
                .orElseGet(() -> Optional.ofNullable(env.get("POD_NAME"))
                                .filter(n -> !n.isBlank())
                                .orElse(hostName) + "_" + HexFormat.of().formatHex(randomBytes()));
        if (identity.isBlank()) {
            throw new CommandLine.UsageException("--identity must not be empty");
        }
        int internalPort = flags.port("--router-internal-port", DEFAULT_ROUTER_INTERNAL_PORT);
        if (internalPort == 0) {
            throw new CommandLine.UsageException("--router-internal-port must be 1..65535");
        }
        Map<String, String> selector;
        try {
            selector = RouterDiscovery.selector(flags.one("--router-selector").orElse(DEFAULT_ROUTER_SELECTOR));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.UsageException("--router-selector: " + e.getMessage());
        }
        return new ClusterConfig(
                flags.readableFile("--kubeconfig"),
                namespace,
                identity,
                flags.bool("--enable-gateway-api", true),
                flags.bool("--enable-gateway-api-inference-extension", true),
                flags.objectName("--router-service", DEFAULT_ROUTER_SERVICE),
                selector,
                internalPort,
                flags.objectName("--token-secret", DEFAULT_TOKEN_SECRET),
                flags.objectName("--lease-name", DEFAULT_LEASE_NAME),
                common.controllerName(),
                common.adminBind(),
                common.adminPort(),
                Tuning.defaults(),
                gatewayPorts(flags),
                flags.bool("--service-per-gateway", false),
                flags.one("--router-tls-secret").isPresent()
                        ? Optional.of(flags.objectName("--router-tls-secret", ""))
                        : Optional.empty(),
                flags.bool("--picker-services", false));
    }

    /** {@code --gateway-ports A-B}, 1 <= A <= B <= 65535. */
    private static Isolation.PortRange gatewayPorts(Flags flags) throws CommandLine.UsageException {
        Optional<String> text = flags.one("--gateway-ports");
        if (text.isEmpty()) {
            return DEFAULT_GATEWAY_PORTS;
        }
        String[] ab = text.get().split("-", 2);
        int from = Flags.port("--gateway-ports", ab[0].trim());
        int to = ab.length == 2 ? Flags.port("--gateway-ports", ab[1].trim()) : -1;
        if (from < 1 || to < from) {
            throw new CommandLine.UsageException(
                    "--gateway-ports: expected a range A-B with 1 <= A <= B, got '" + text.get() + "'");
        }
        return new Isolation.PortRange(from, to - from + 1);
    }

    /** Every default, in a namespace, with an identity (tests; Main uses {@link #create}). */
    public static ClusterConfig defaults(String namespace, String identity) {
        return new ClusterConfig(
                Optional.empty(),
                namespace,
                identity,
                true,
                true,
                DEFAULT_ROUTER_SERVICE,
                Map.of("app.kubernetes.io/name", "kthena-router"),
                DEFAULT_ROUTER_INTERNAL_PORT,
                DEFAULT_TOKEN_SECRET,
                DEFAULT_LEASE_NAME,
                TranslatorConfig.DEFAULT_CONTROLLER_NAME,
                CommonSettings.DEFAULT_CLUSTER_ADMIN_BIND,
                CommonSettings.DEFAULT_ADMIN_PORT,
                Tuning.defaults(),
                DEFAULT_GATEWAY_PORTS,
                false,
                Optional.empty(),
                false);
    }

    public ClusterConfig withKubeconfig(Path file) {
        return edit(e -> e.kubeconfig = Optional.of(file));
    }

    public ClusterConfig withRouterInternalPort(int port) {
        return edit(e -> e.routerInternalPort = port);
    }

    public ClusterConfig withAdmin(String bind, int port) {
        return edit(e -> {
            e.adminBind = bind;
            e.adminPort = port;
        });
    }

    public ClusterConfig withTuning(Tuning value) {
        return edit(e -> e.tuning = value);
    }

    /** Pushes over TLS with the internal CA kept in Secret {@code name} (docs/adr/0035). */
    public ClusterConfig withRouterTlsSecret(String name) {
        return edit(e -> e.routerTlsSecret = Optional.of(name));
    }

    /** The same with the picker Services kept in step (docs/adr/0039-picker-services.md). */
    public ClusterConfig withPickerServices(boolean value) {
        return edit(e -> e.pickerServices = value);
    }

    /** Another candidate set: its own Lease, its own GatewayClasses, the Inference Extension on or off. */
    public ClusterConfig withElection(String lease, String controller, boolean inference) {
        return edit(e -> {
            e.inferenceExtension = inference;
            e.leaseName = lease;
            e.controllerName = controller;
        });
    }

    /** A copy of this configuration with the changes {@code change} makes (the withers' one shape). */
    private ClusterConfig edit(Consumer<Edit> change) {
        Edit e = new Edit(this);
        change.accept(e);
        return e.build();
    }

    /** The components of a configuration being changed: each starts as the current one's. */
    private static final class Edit {
        Optional<Path> kubeconfig;
        String namespace;
        String identity;
        boolean gatewayApi;
        boolean inferenceExtension;
        String routerService;
        Map<String, String> routerSelector;
        int routerInternalPort;
        String tokenSecret;
        String leaseName;
        String controllerName;
        String adminBind;
        int adminPort;
        Tuning tuning;
        Isolation.PortRange gatewayPorts;
        boolean servicePerGateway;
        Optional<String> routerTlsSecret;
        boolean pickerServices;

        Edit(ClusterConfig current) {
            kubeconfig = current.kubeconfig;
            namespace = current.namespace;
            identity = current.identity;
            gatewayApi = current.gatewayApi;
            inferenceExtension = current.inferenceExtension;
            routerService = current.routerService;
            routerSelector = current.routerSelector;
            routerInternalPort = current.routerInternalPort;
            tokenSecret = current.tokenSecret;
            leaseName = current.leaseName;
            controllerName = current.controllerName;
            adminBind = current.adminBind;
            adminPort = current.adminPort;
            tuning = current.tuning;
            gatewayPorts = current.gatewayPorts;
            servicePerGateway = current.servicePerGateway;
            routerTlsSecret = current.routerTlsSecret;
            pickerServices = current.pickerServices;
        }

        ClusterConfig build() {
            return new ClusterConfig(
                    kubeconfig,
                    namespace,
                    identity,
                    gatewayApi,
                    inferenceExtension,
                    routerService,
                    routerSelector,
                    routerInternalPort,
                    tokenSecret,
                    leaseName,
                    controllerName,
                    adminBind,
                    adminPort,
                    tuning,
                    gatewayPorts,
                    servicePerGateway,
                    routerTlsSecret,
                    pickerServices);
        }
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[4];
        new SecureRandom().nextBytes(b);
        return b;
    }

    /**
     * Timings.
     *
     * @param debounce        how long the informers must be quiet before a rebuild
     * @param discoveryPeriod how often missing CRDs are looked for again
     * @param lease           Lease duration
     * @param renew           how long a leader tries to renew before it stops leading
     * @param retry           how often candidates try and the leader renews
     * @param statusResync    how often all statuses are compared even without a change
     * @param ackGrace        how long a new leader waits for the routers' acknowledgements before
     *                        writing status anyway (so Programmed does not flip on failover)
     * @param publisher       the publisher's loop timings
     */
    public record Tuning(
            Duration debounce,
            Duration discoveryPeriod,
            Duration lease,
            Duration renew,
            Duration retry,
            Duration statusResync,
            Duration ackGrace,
            Publisher.Settings publisher) {
        public static Tuning defaults() {
            return new Tuning(
                    Duration.ofMillis(100),
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(7),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(30),
                    // 10 s: a loaded node may take seconds to answer a new leader's first push,
                    // and until then the previous leader's statuses stand
                    Duration.ofSeconds(10),
                    Publisher.Settings.cluster());
        }

        public Tuning withDiscoveryPeriod(Duration period) {
            return new Tuning(debounce, period, lease, renew, retry, statusResync, ackGrace, publisher);
        }
    }
}
