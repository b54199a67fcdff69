package io.infergate.controller.status;

import java.util.Comparator;

/**
 * The object a status belongs to.
 *
 * @param namespace {@code ""} for cluster-scoped kinds
 */
public record ObjectKey(String apiVersion, String kind, String namespace, String name)
        implements Comparable<ObjectKey> {

    private static final Comparator<ObjectKey> ORDER = Comparator.comparing(ObjectKey::kind)
            .thenComparing(ObjectKey::namespace)
            .thenComparing(ObjectKey::name)
            .thenComparing(ObjectKey::apiVersion);

    @Override
    public int compareTo(ObjectKey o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return kind + " " + (namespace.isEmpty() ? name : namespace + "/" + name);
    }
}
