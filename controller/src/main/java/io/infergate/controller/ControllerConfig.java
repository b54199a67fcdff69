package io.infergate.controller;

import io.infergate.controller.publish.Publisher;
import io.infergate.controller.translate.TranslatorConfig;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Everything the controller is configured with, read once by {@link Main} (or built by a test).
 *
 * @param manifests        the folder of manifests (local mode)
 * @param routers          the routers' internal API base URLs, e.g. {@code http://127.0.0.1:15000}
 * @param token            the bearer token of the routers' snapshot API
 * @param adminBind        the admin socket's bind address
 * @param adminPort        the admin socket's port; 0 picks a free one
 * @param controllerName   GatewayClasses with this controllerName are ours
 * @param gatewayAddresses what Gateways report in {@code status.addresses} when their spec has none
 * @param tuning           timings; {@link Tuning#defaults()} outside tests
 */
public record ControllerConfig(Path manifests, List<URI> routers, Optional<Token> token, String adminBind, int adminPort,
                               String controllerName, List<String> gatewayAddresses, Tuning tuning) {

    public static final int DEFAULT_ADMIN_PORT = 9090;
    public static final String DEFAULT_ADMIN_BIND = "127.0.0.1";

    public ControllerConfig {
        routers = List.copyOf(routers);
        gatewayAddresses = List.copyOf(gatewayAddresses);
    }

    /** Local-mode defaults around a folder: no routers, admin on 127.0.0.1:9090, our controllerName. */
    public static ControllerConfig local(Path manifests) {
        return new ControllerConfig(manifests, List.of(), Optional.empty(), DEFAULT_ADMIN_BIND, DEFAULT_ADMIN_PORT,
                TranslatorConfig.DEFAULT_CONTROLLER_NAME, List.of(), Tuning.defaults());
    }

    public ControllerConfig withRouters(List<URI> routers, Token token) {
        return new ControllerConfig(manifests, routers, Optional.of(token), adminBind, adminPort, controllerName,
                gatewayAddresses, tuning);
    }

    public ControllerConfig withAdmin(String bind, int port) {
        return new ControllerConfig(manifests, routers, token, bind, port, controllerName, gatewayAddresses, tuning);
    }

    public ControllerConfig withGatewayAddresses(List<String> addresses) {
        return new ControllerConfig(manifests, routers, token, adminBind, adminPort, controllerName, addresses, tuning);
    }

    public ControllerConfig withTuning(Tuning tuning) {
        return new ControllerConfig(manifests, routers, token, adminBind, adminPort, controllerName, gatewayAddresses, tuning);
    }

    /** The hosts of the router URLs, the default Gateway addresses in local mode. */
    public static List<String> hostsOf(List<URI> routers) {
        return routers.stream().map(URI::getHost).map(h -> h.startsWith("[") ? h.substring(1, h.length() - 1) : h)
                .distinct().toList();
    }

    /** The bearer token; {@link #toString()} never shows it, so it cannot leak into logs. */
    public record Token(String value) {
        public Token {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("the token must not be empty");
            }
        }

        @Override
        public String toString() {
            return "Token[redacted]";
        }
    }

    /**
     * Timings.
     *
     * @param debounce   how long the manifest folder must be quiet before a rebuild
     * @param pollPeriod how often the folder is checked when no event arrives
     * @param publisher  the publisher's loop timings
     */
    public record Tuning(Duration debounce, Duration pollPeriod, Publisher.Settings publisher) {
        public static Tuning defaults() {
            return new Tuning(Duration.ofMillis(200), Duration.ofSeconds(1), Publisher.Settings.defaults());
        }
    }
}
