package io.infergate.controller;

import io.infergate.controller.publish.Publisher;
import io.infergate.controller.translate.TranslatorConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Cluster mode's configuration, read once by {@link Main} (or built by a test).
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
 */
public record ClusterConfig(Optional<Path> kubeconfig, String namespace, String identity, boolean gatewayApi,
                            boolean inferenceExtension, String routerService, Map<String, String> routerSelector,
                            int routerInternalPort, String tokenSecret, String leaseName, String controllerName,
                            String adminBind, int adminPort, Tuning tuning, TranslatorConfig.Isolation gatewayPorts) {

    public static final String DEFAULT_NAMESPACE = "kthena-system";
    public static final String DEFAULT_ROUTER_SERVICE = "kthena-router";
    public static final String DEFAULT_ROUTER_SELECTOR = "app.kubernetes.io/name=kthena-router";
    public static final int DEFAULT_ROUTER_INTERNAL_PORT = 15000;
    public static final String DEFAULT_TOKEN_SECRET = "infergate-snapshot-token";
    public static final String DEFAULT_LEASE_NAME = "infergate-controller";
    public static final String DEFAULT_ADMIN_BIND = "0.0.0.0";
    public static final TranslatorConfig.Isolation DEFAULT_GATEWAY_PORTS = TranslatorConfig.Isolation.perGateway(20000, 1000);

    public ClusterConfig {
        Objects.requireNonNull(kubeconfig, "kubeconfig");
        routerSelector = Map.copyOf(routerSelector);
    }

    /** Every default, in a namespace, with an identity. */
    public static Builder builder(String namespace, String identity) {
        return new Builder(new ClusterConfig(Optional.empty(), namespace, identity, true, true, DEFAULT_ROUTER_SERVICE,
                Map.of("app.kubernetes.io/name", "kthena-router"), DEFAULT_ROUTER_INTERNAL_PORT, DEFAULT_TOKEN_SECRET,
                DEFAULT_LEASE_NAME, TranslatorConfig.DEFAULT_CONTROLLER_NAME, DEFAULT_ADMIN_BIND,
                ControllerConfig.DEFAULT_ADMIN_PORT, Tuning.defaults(), DEFAULT_GATEWAY_PORTS));
    }

    public Builder toBuilder() {
        return new Builder(this);
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
    public record Tuning(Duration debounce, Duration discoveryPeriod, Duration lease, Duration renew, Duration retry,
                         Duration statusResync, Duration ackGrace, Publisher.Settings publisher) {
        public static Tuning defaults() {
            return new Tuning(Duration.ofMillis(100), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(7),
                    Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(5), Publisher.Settings.cluster());
        }

        public Tuning withDiscoveryPeriod(Duration period) {
            return new Tuning(debounce, period, lease, renew, retry, statusResync, ackGrace, publisher);
        }
    }

    /** Changes a copy, one field at a time. */
    public static final class Builder {
        private Optional<Path> kubeconfig;
        private String namespace;
        private String identity;
        private boolean gatewayApi;
        private boolean inferenceExtension;
        private String routerService;
        private Map<String, String> routerSelector;
        private int routerInternalPort;
        private String tokenSecret;
        private String leaseName;
        private String controllerName;
        private String adminBind;
        private int adminPort;
        private Tuning tuning;
        private TranslatorConfig.Isolation gatewayPorts;

        private Builder(ClusterConfig c) {
            kubeconfig = c.kubeconfig;
            namespace = c.namespace;
            identity = c.identity;
            gatewayApi = c.gatewayApi;
            inferenceExtension = c.inferenceExtension;
            routerService = c.routerService;
            routerSelector = c.routerSelector;
            routerInternalPort = c.routerInternalPort;
            tokenSecret = c.tokenSecret;
            leaseName = c.leaseName;
            controllerName = c.controllerName;
            adminBind = c.adminBind;
            adminPort = c.adminPort;
            tuning = c.tuning;
            gatewayPorts = c.gatewayPorts;
        }

        public Builder kubeconfig(Path file) {
            kubeconfig = Optional.of(file);
            return this;
        }

        public Builder namespace(String value) {
            namespace = value;
            return this;
        }

        public Builder identity(String value) {
            identity = value;
            return this;
        }

        public Builder gatewayApi(boolean value) {
            gatewayApi = value;
            return this;
        }

        public Builder inferenceExtension(boolean value) {
            inferenceExtension = value;
            return this;
        }

        public Builder routerService(String value) {
            routerService = value;
            return this;
        }

        public Builder routerSelector(Map<String, String> value) {
            routerSelector = value;
            return this;
        }

        public Builder routerInternalPort(int value) {
            routerInternalPort = value;
            return this;
        }

        public Builder tokenSecret(String value) {
            tokenSecret = value;
            return this;
        }

        public Builder leaseName(String value) {
            leaseName = value;
            return this;
        }

        public Builder controllerName(String value) {
            controllerName = value;
            return this;
        }

        public Builder admin(String bind, int port) {
            adminBind = bind;
            adminPort = port;
            return this;
        }

        public Builder tuning(Tuning value) {
            tuning = value;
            return this;
        }

        /** Router ports {@code start .. start + size - 1} for Gateways that share a port with an older one. */
        public Builder gatewayPorts(int start, int size) {
            gatewayPorts = TranslatorConfig.Isolation.perGateway(start, size);
            return this;
        }

        public ClusterConfig build() {
            return new ClusterConfig(kubeconfig, namespace, identity, gatewayApi, inferenceExtension, routerService,
                    routerSelector, routerInternalPort, tokenSecret, leaseName, controllerName, adminBind, adminPort, tuning,
                    gatewayPorts);
        }
    }
}
