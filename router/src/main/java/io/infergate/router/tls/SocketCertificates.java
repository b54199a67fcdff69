package io.infergate.router.tls;

import io.infergate.common.snapshot.Certificate;
import io.infergate.common.snapshot.Gateway;
import io.infergate.common.snapshot.Listener;
import io.infergate.common.snapshot.ListenerRef;
import io.infergate.common.snapshot.Snapshot;
import io.infergate.common.tls.KeyMaterial;
import io.infergate.router.match.ListenerTable;
import io.infergate.router.match.RouteTable;
import io.infergate.router.match.SocketKey;
import io.infergate.router.match.SocketTable;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The certificates of one TLS socket and how a handshake picks among them.
 *
 * <p>Rules: the SNI server name selects a listener exactly as a Host does ({@link
 * SocketTable#listenerFor}: exact hostname, then the longest matching wildcard, then the listener
 * without a hostname), and that listener's certificates are offered, the first whose key type the
 * handshake can use. A client without SNI, or with a name no listener accepts, gets the
 * default: the certificates of the listener without a hostname, else of the listener whose
 * hostname sorts first. Immutable; built once per snapshot.
 *
 * @param listeners per selectable listener, its material in {@code certificateRefs} order
 * @param table     the socket's listener selection
 * @param fallback  the listener whose material the default serves
 */
public record SocketCertificates(
        Map<ListenerRef, List<KeyMaterial>> listeners, SocketTable table, ListenerRef fallback) {

    public SocketCertificates {
        listeners = Map.copyOf(listeners);
    }

    /** The listener a server name selects, if any does. */
    Optional<ListenerRef> selectedBy(String serverName) {
        return table.listenerFor(serverName).map(ListenerTable::listener);
    }

    /**
     * The certificates of every TLS socket of a compiled snapshot.
     *
     * @param snapshot a validated snapshot (its certificates parse)
     * @param routes   its compiled route table
     * @throws IllegalArgumentException when material does not parse (the validator checks first)
     */
    public static Map<SocketKey, SocketCertificates> of(Snapshot snapshot, RouteTable routes) {
        Map<String, KeyMaterial> material = new HashMap<>();
        for (Certificate c : snapshot.certificates()) {
            try {
                material.put(c.id(), KeyMaterial.parse(c.certificateChain(), c.privateKey()));
            } catch (KeyMaterial.Invalid e) {
                throw new IllegalArgumentException(c.id() + ": " + e.getMessage(), e);
            }
        }
        Map<ListenerRef, List<KeyMaterial>> byListener = new HashMap<>();
        for (Gateway g : snapshot.gateways()) {
            for (Listener l : g.listeners()) {
                List<KeyMaterial> list = new ArrayList<>();
                l.certificates().forEach(id -> list.add(material.get(id)));
                byListener.put(new ListenerRef(g.id(), l.name()), list);
            }
        }
        Map<SocketKey, SocketCertificates> out = new HashMap<>();
        routes.sockets().forEach((key, table) -> {
            if (!key.tls()) {
                return;
            }
            List<ListenerTable> all = new ArrayList<>(table.exact().values());
            all.addAll(table.wildcards());
            table.any().ifPresent(all::add);
            Map<ListenerRef, List<KeyMaterial>> mine = new HashMap<>();
            all.forEach(t -> mine.put(t.listener(), byListener.getOrDefault(t.listener(), List.of())));
            ListenerRef fallback = table.any()
                    .map(ListenerTable::listener)
                    .orElseGet(() -> all.stream()
                            .min(Comparator.comparing(
                                    (ListenerTable t) -> t.hostname().orElse("")))
                            .orElseThrow()
                            .listener());
            out.put(key, new SocketCertificates(mine, table, fallback));
        });
        return out;
    }

    @Override
    public String toString() {
        return "SocketCertificates[" + listeners.keySet() + ", default " + fallback + "]";
    }
}
