package io.infergate.controller.pickerservice;

/**
 * What the picker Services look like.
 *
 * @param name            the Service name pools name in {@code endpointPickerRef} (Infergate's picker)
 * @param extProcPort     the routers' ext_proc port, served under the same number
 * @param healthPort      the routers' plaintext gRPC health port, served under the same number
 * @param routerNamespace the routers' namespace: skipped, since the endpoint-picker component's own
 *                        Service there selects the router pods directly
 */
public record PickerServiceSettings(String name, int extProcPort, int healthPort, String routerNamespace) {

    /** The reference picker's port numbers, which the routers' picker uses (ADR 0025). */
    public static PickerServiceSettings defaults(String name, String routerNamespace) {
        return new PickerServiceSettings(name, 9002, 9003, routerNamespace);
    }
}
