package io.infergate.controller.kube;

import java.util.Map;
import java.util.function.Supplier;

/**
 * One object as an informer lists it: its kind and identity, and its generic tree, made only when
 * needed (decoding happens once per resourceVersion, so most rebuilds never build most trees).
 */
record Listed(String kind, String namespace, String name, String resourceVersion, Supplier<Map<String, Object>> tree) {

    /** {@code Kind namespace/name}: the decode cache's key. */
    String key() {
        return kind + " " + namespace + "/" + name;
    }
}
