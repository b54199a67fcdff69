package io.infergate.controller;

import io.infergate.controller.translate.TranslatorConfig;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The settings both modes read: which GatewayClasses are ours and where the admin socket listens.
 *
 * @param controllerName GatewayClasses with this {@code spec.controllerName} are ours
 * @param adminBind      the admin socket's bind address
 * @param adminPort      the admin socket's port; 0 picks a free one
 */
record CommonSettings(String controllerName, String adminBind, int adminPort) {

    static final int DEFAULT_ADMIN_PORT = 9090;
    /** Local mode: loopback only. */
    static final String DEFAULT_LOCAL_ADMIN_BIND = "127.0.0.1";
    /** Cluster mode: reachable by probes and Prometheus in a pod. */
    static final String DEFAULT_CLUSTER_ADMIN_BIND = "0.0.0.0";

    static final List<Flag> FLAGS = List.of(
            Flag.of(
                    "--controller-name",
                    "NAME",
                    "GatewayClasses with this spec.controllerName are ours",
                    "(default " + TranslatorConfig.DEFAULT_CONTROLLER_NAME + ")"),
            Flag.of(
                    "--admin-port",
                    "P",
                    "admin socket (status, snapshot, /observe/health,",
                    "/observe/metrics); default " + DEFAULT_ADMIN_PORT + ", 0 picks a free port"),
            Flag.of(
                    "--admin-bind",
                    "ADDR",
                    "default " + DEFAULT_LOCAL_ADMIN_BIND + " in local mode, " + DEFAULT_CLUSTER_ADMIN_BIND
                            + " in cluster mode"));

    private static final Pattern CONTROLLER_NAME = Pattern.compile(
            "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+$");

    static CommonSettings create(Flags flags, boolean local) throws CommandLine.UsageException {
        String controllerName = flags.one("--controller-name").orElse(TranslatorConfig.DEFAULT_CONTROLLER_NAME);
        if (!CONTROLLER_NAME.matcher(controllerName).matches()) {
            throw new CommandLine.UsageException("--controller-name must look like DOMAIN/PATH (e.g. "
                    + "example.net/gateway-controller), got '" + controllerName + "'");
        }
        int port = flags.port("--admin-port", DEFAULT_ADMIN_PORT);
        String bind = flags.one("--admin-bind").orElse(local ? DEFAULT_LOCAL_ADMIN_BIND : DEFAULT_CLUSTER_ADMIN_BIND);
        if (bind.isBlank()) {
            throw new CommandLine.UsageException("--admin-bind must not be empty");
        }
        return new CommonSettings(controllerName, bind, port);
    }
}
