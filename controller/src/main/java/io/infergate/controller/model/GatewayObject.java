package io.infergate.controller.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Gateway ({@code gateway.networking.k8s.io}).
 *
 * @param gatewayClassName {@code spec.gatewayClassName}
 * @param listeners        {@code spec.listeners}, in spec order, names unique
 * @param addresses        {@code spec.addresses}
 */
public record GatewayObject(ObjectMeta meta, String gatewayClassName, List<Listener> listeners, List<Address> addresses)
        implements KubeObject {
    public GatewayObject {
        listeners = List.copyOf(listeners);
        addresses = List.copyOf(addresses);
    }

    /**
     * One {@code spec.listeners[]} entry.
     *
     * @param protocol        as written (HTTP, HTTPS, TLS, TCP, UDP or a domain-prefixed name)
     * @param hostname        exact or {@code *.} wildcard; empty matches every host
     * @param certificateRefs {@code tls.certificateRefs}, in order
     * @param tlsMode         {@code tls.mode}: Terminate (the default) or Passthrough
     */
    public record Listener(
            String name,
            int port,
            String protocol,
            Optional<String> hostname,
            AllowedRoutes allowedRoutes,
            List<CertificateRef> certificateRefs,
            String tlsMode) {
        public Listener {
            certificateRefs = List.copyOf(certificateRefs);
        }

        /** A listener whose TLS settings, if any, terminate TLS. */
        public Listener(
                String name,
                int port,
                String protocol,
                Optional<String> hostname,
                AllowedRoutes allowedRoutes,
                List<CertificateRef> certificateRefs) {
            this(name, port, protocol, hostname, allowedRoutes, certificateRefs, "Terminate");
        }

        /** A listener without TLS settings. */
        public Listener(
                String name, int port, String protocol, Optional<String> hostname, AllowedRoutes allowedRoutes) {
            this(name, port, protocol, hostname, allowedRoutes, List.of());
        }
    }

    /**
     * One {@code tls.certificateRefs[]} entry.
     *
     * @param group     defaults to the core group {@code ""}
     * @param kind      defaults to Secret
     * @param namespace defaults to the Gateway's namespace
     */
    public record CertificateRef(String group, String kind, String name, Optional<String> namespace) {}

    /**
     * {@code allowedRoutes}.
     *
     * @param from     {@code namespaces.from} as written: Same (the default), All or Selector
     * @param selector {@code namespaces.selector}, used when {@code from} is Selector
     * @param kinds    {@code kinds}; empty means the kinds the listener's protocol supports
     */
    public record AllowedRoutes(String from, Optional<LabelSelector> selector, List<GroupKind> kinds) {
        public AllowedRoutes {
            kinds = List.copyOf(kinds);
        }

        /** The defaults of a listener without {@code allowedRoutes}. */
        public static AllowedRoutes defaults() {
            return new AllowedRoutes("Same", Optional.empty(), List.of());
        }
    }

    /** A group and kind, group {@code ""} being the core group. */
    public record GroupKind(String group, String kind) {}

    /** One {@code spec.addresses[]} entry; {@code type} defaults to IPAddress. */
    public record Address(String type, String value) {}

    /** A Kubernetes label selector: every matchLabels pair and every expression must hold. */
    public record LabelSelector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {
        public LabelSelector {
            matchLabels = Map.copyOf(matchLabels);
            matchExpressions = List.copyOf(matchExpressions);
        }
    }

    /** One matchExpressions entry: operator In, NotIn, Exists or DoesNotExist. */
    public record Requirement(String key, String operator, List<String> values) {
        public Requirement {
            values = List.copyOf(values);
        }
    }
}
