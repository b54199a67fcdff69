package io.infergate.controller.translate;

import io.infergate.controller.model.Gateway;
import io.infergate.controller.status.ObjectStatus.GroupKind;

import java.util.List;
import java.util.Optional;

/**
 * A Gateway of our GatewayClass as the translator judged it.
 *
 * @param id             {@code gateway/<ns>/<name>}
 * @param listeners      one view per spec listener, in spec order
 * @param addressProblem why {@code spec.addresses} cannot be honoured, if so
 */
record GatewayView(Gateway gateway, String id, List<ListenerView> listeners, Optional<String> addressProblem) {

    /** Accepted when its addresses are usable and at least one listener is. */
    boolean accepted() {
        return addressProblem.isEmpty() && listeners.stream().anyMatch(ListenerView::protocolSupported);
    }

    String namespace() {
        return gateway.meta().namespace();
    }

    String name() {
        return gateway.meta().name();
    }

    /**
     * A listener as judged.
     *
     * @param protocolSupported the protocol is one we serve (HTTP)
     * @param supportedKinds    route kinds it accepts (empty when none)
     * @param invalidKinds      {@code allowedRoutes.kinds} named a kind we do not support
     * @param conflicted        another listener of the Gateway has the same port and hostname
     */
    record ListenerView(Gateway.Listener spec, boolean protocolSupported, List<GroupKind> supportedKinds,
                        boolean invalidKinds, boolean conflicted) {

        /** Routes may attach (and count in attachedRoutes) when the protocol works and HTTPRoute is allowed. */
        boolean acceptsHttpRoutes() {
            return protocolSupported && !supportedKinds.isEmpty();
        }

        /** Served by routers: supported protocol and no conflict. */
        boolean served() {
            return protocolSupported && !conflicted;
        }

        String name() {
            return spec.name();
        }
    }
}
