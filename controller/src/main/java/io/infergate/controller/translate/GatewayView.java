package io.infergate.controller.translate;

import io.infergate.controller.model.GatewayObject;
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
record GatewayView(GatewayObject gateway, String id, List<ListenerView> listeners, Optional<String> addressProblem) {

    /**
     * Served: its addresses are usable and at least one listener is served. Only a served Gateway
     * enters the snapshot, gets addresses and can become Programmed.
     */
    boolean accepted() {
        return addressProblem.isEmpty() && listeners.stream().anyMatch(ListenerView::served);
    }

    /**
     * {@code Accepted=True}: its addresses are usable and at least one listener is accepted, also one
     * that is not served because its certificateRefs do not resolve; routes attach to such a Gateway
     * (upstream GatewayWithAttachedRoutes, "unresolved refs").
     */
    boolean listenersAccepted() {
        return addressProblem.isEmpty() && listeners.stream().anyMatch(ListenerView::attachable);
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
     * @param protocolSupported the protocol is one we serve (HTTP, HTTPS terminated here)
     * @param supportedKinds    route kinds it accepts (empty when none)
     * @param invalidKinds      {@code allowedRoutes.kinds} named a kind we do not support
     * @param conflict          the Conflicted reason (HostnameConflict, ProtocolConflict) when another
     *                          listener of the Gateway cannot be told apart from this one
     * @param unavailable       why its socket and hostname belong to an older Gateway's listener
     *                          (PortUnavailable), if so
     * @param certificateRefs   why a {@code tls.certificateRefs} entry does not resolve
     *                          (InvalidCertificateRef, RefNotPermitted), if one does not
     * @param certificates      HTTPS: the material of its certificateRefs, in order, when they resolve
     */
    record ListenerView(
            GatewayObject.Listener spec,
            boolean protocolSupported,
            List<GroupKind> supportedKinds,
            boolean invalidKinds,
            Optional<String> conflict,
            Optional<String> unavailable,
            Optional<RouteProblems.Problem> certificateRefs,
            List<io.infergate.common.snapshot.Certificate> certificates) {

        /**
         * Routes may attach (and count in attachedRoutes) to an accepted listener that allows
         * HTTPRoutes. An HTTPS listener whose certificateRefs do not resolve is accepted but not
         * programmed: routes still attach to it and count (attachment depends on allowedRoutes and
         * parentRefs alone: upstream GatewayWithAttachedRoutes, "unresolved refs"), but it serves
         * nothing, so they get no data-plane configuration there ({@link #served()}).
         */
        boolean acceptsHttpRoutes() {
            return attachable() && !supportedKinds.isEmpty();
        }

        /** Accepted: supported protocol, no conflict, socket not taken (certificates may be missing). */
        boolean attachable() {
            return protocolSupported && conflict.isEmpty() && unavailable.isEmpty();
        }

        /**
         * Accepted and served by routers: supported protocol, no conflict, socket not taken, and
         * for HTTPS certificates that resolve (without them it has nothing to serve: not programmed).
         */
        boolean served() {
            return attachable() && !(https() && certificateRefs.isPresent());
        }

        /** HTTPS terminated by the routers (Passthrough is not served at all). */
        boolean https() {
            return spec.protocol().equals("HTTPS") && spec.tlsMode().equals("Terminate");
        }

        ListenerView withUnavailable(String why) {
            return new ListenerView(
                    spec,
                    protocolSupported,
                    supportedKinds,
                    invalidKinds,
                    conflict,
                    Optional.of(why),
                    certificateRefs,
                    certificates);
        }

        String name() {
            return spec.name();
        }
    }
}
