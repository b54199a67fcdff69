package io.infergate.controller.translate;

import java.util.List;

/**
 * What the translator needs to know about this controller.
 *
 * @param controllerName   GatewayClasses with this {@code spec.controllerName} are ours
 * @param gatewayAddresses addresses reported in a Gateway's {@code status.addresses} when its
 *                         spec names none (the routers' addresses); IP literals are reported as
 *                         IPAddress, anything else as Hostname
 */
public record TranslatorConfig(String controllerName, List<String> gatewayAddresses) {

    /** The controllerName this project uses unless configured otherwise. */
    public static final String DEFAULT_CONTROLLER_NAME = "infergate.io/gateway-controller";

    public TranslatorConfig {
        gatewayAddresses = List.copyOf(gatewayAddresses);
    }
}
