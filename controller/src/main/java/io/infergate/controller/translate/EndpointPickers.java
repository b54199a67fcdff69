package io.infergate.controller.translate;

import io.infergate.common.snapshot.Backend.EndpointPicker;
import io.infergate.controller.model.InferencePool;
import io.infergate.controller.model.Service;

import java.util.Optional;

/**
 * Resolves an InferencePool's {@code endpointPickerRef} to an address.
 *
 * <p>Rules: the reference must be a core Service with a port (the Service port, not the target
 * port); ExternalName Services are refused (the Inference Extension forbids them). The address is
 * the Service's clusterIP when it has one, else its DNS name {@code <name>.<namespace>.svc}. A
 * Service that does not exist, or lacks the port, is reported ({@code InvalidExtensionRef}) but
 * still addressed by DNS name: the router then fails to reach the picker and applies the pool's
 * failure mode, and the pool heals by itself once the Service appears. A reference that yields no
 * address at all (wrong kind, no port, ExternalName) makes the pool unusable.
 */
final class EndpointPickers {

    private EndpointPickers() {}

    /**
     * @param picker  the address for the snapshot; empty when the pool has no picker or it is unusable
     * @param problem why the reference does not resolve, for {@code ResolvedRefs=False/InvalidExtensionRef}
     * @param usable  false when the pool cannot be served at all
     */
    record Check(Optional<EndpointPicker> picker, Optional<String> problem, boolean usable) {}

    static Check check(InferencePool pool, Index index) {
        if (pool.endpointPickerRef().isEmpty()) {
            return new Check(Optional.empty(), Optional.empty(), true);
        }
        InferencePool.EndpointPickerRef ref = pool.endpointPickerRef().get();
        String namespace = pool.meta().namespace();
        if (!ref.group().isEmpty() || !ref.kind().equals("Service")) {
            return unusable("endpointPickerRef kind " + (ref.group().isEmpty() ? "" : ref.group() + "/") + ref.kind()
                    + " is not supported (only Service)");
        }
        if (ref.port().isEmpty()) {
            return unusable("endpointPickerRef to Service " + ref.name() + " needs a port");
        }
        int port = ref.port().get();
        boolean failOpen = ref.failureMode().equals("FailOpen");
        Service s = index.service(namespace, ref.name());
        String dns = ref.name() + "." + namespace + ".svc";
        if (s == null) {
            return new Check(
                    Optional.of(new EndpointPicker(dns, port, failOpen)),
                    Optional.of("endpointPickerRef Service " + namespace + "/" + ref.name() + " does not exist"),
                    true);
        }
        if (s.type().equals("ExternalName")) {
            return unusable("endpointPickerRef Service " + namespace + "/" + ref.name()
                    + " is of type ExternalName, which is not supported");
        }
        String host = s.clusterIP().orElse(dns);
        EndpointPicker picker = new EndpointPicker(host, port, failOpen);
        if (s.ports().stream().noneMatch(p -> p.port() == port)) {
            return new Check(
                    Optional.of(picker),
                    Optional.of("endpointPickerRef Service " + namespace + "/" + ref.name() + " has no port " + port),
                    true);
        }
        return new Check(Optional.of(picker), Optional.empty(), true);
    }

    private static Check unusable(String problem) {
        return new Check(Optional.empty(), Optional.of(problem), false);
    }
}
