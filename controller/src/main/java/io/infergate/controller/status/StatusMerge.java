package io.infergate.controller.status;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Merges our planned status into the status an object carries in the API (generic trees: maps,
 * lists, strings, {@code Long} numbers), touching only what is ours. Pure.
 *
 * <p>Rules:
 * <ul>
 *   <li>Times: each condition keeps the {@code lastTransitionTime} the API has for it while its
 *       status is unchanged; new or flipped conditions get {@code now} (the {@link Stamper}'s rule,
 *       applied against what is stored, so that a new leader keeps the old leader's times).</li>
 *   <li>GatewayClass and Gateway: conditions are replaced by type, conditions of other types are
 *       kept; a Gateway's {@code addresses} and {@code listeners} are ours entirely.</li>
 *   <li>HTTPRoute and InferencePool {@code status.parents} are shared lists: only entries whose
 *       controllerName is ours are replaced in place or removed (for an InferencePool also entries
 *       without a controllerName whose parentRef is one of our Gateways); others stay as they are.
 *       New entries are appended. An object with no entry of ours, before or after, is left alone.</li>
 * </ul>
 * The result equals the current status exactly when nothing of ours changed, so a writer can skip
 * the write.
 */
public final class StatusMerge {

    private StatusMerge() {}

    /**
     * Merges our planned status for one object into its status in the API.
     *
     * @param key            the object
     * @param planned        our status for it (times are ignored)
     * @param current        its {@code status} in the API; null when it has none
     * @param controllerName ours
     * @param ourGateways    {@code namespace/name} of every Gateway of ours (for InferencePool entries
     *                       that carry no controllerName)
     * @param now            the time of conditions that are new or changed status
     * @return the status to write: equal to {@code current} when nothing changes
     */
    public static Map<String, Object> merge(
            ObjectKey key,
            ObjectStatus planned,
            Map<String, Object> current,
            String controllerName,
            Set<String> ourGateways,
            Instant now) {
        Map<String, Object> base = current == null ? new LinkedHashMap<>() : copy(current);
        ObjectStatus previous = ours(planned, base, controllerName, ourGateways);
        ObjectStatus stamped = Stamper.stamp(
                        new StatusPlan(List.of(new StatusPlan.Entry(key, planned))),
                        new StatusPlan(List.of(new StatusPlan.Entry(key, previous))),
                        now)
                .entries()
                .getFirst()
                .status();
        Map<String, Object> ours = tree(stamped);
        switch (planned) {
            case ObjectStatus.GatewayClassStatus s ->
                base.put("conditions", byType(list(base, "conditions"), list(ours, "conditions")));
            case ObjectStatus.ModelRewriteStatus s ->
                base.put("conditions", byType(list(base, "conditions"), list(ours, "conditions")));
            case ObjectStatus.EventStatus s -> {
                return base; // never written to status: reported as Events (kube/KthenaEvents)
            }
            case ObjectStatus.GatewayStatus s -> {
                base.put("addresses", ours.get("addresses"));
                base.put("conditions", byType(list(base, "conditions"), list(ours, "conditions")));
                base.put("listeners", ours.get("listeners"));
            }
            case ObjectStatus.HttpRouteStatus s -> {
                return parents(
                        current, base, list(ours, "parents"), e -> controllerName.equals(e.get("controllerName")));
            }
            case ObjectStatus.InferencePoolStatus s -> {
                return parents(
                        current, base, list(ours, "parents"), e -> isOurPoolParent(e, controllerName, ourGateways));
            }
            case ObjectStatus.PolicyStatus s -> {
                return parents(
                        current,
                        base,
                        list(ours, "ancestors"),
                        e -> controllerName.equals(e.get("controllerName")),
                        "ancestors",
                        "ancestorRef");
            }
        }
        return base;
    }

    // ---- reading what is stored ---------------------------------------------------------------

    /** Our part of the stored status, in the planned status's shape (for pairing conditions). */
    private static ObjectStatus ours(
            ObjectStatus planned, Map<String, Object> status, String controllerName, Set<String> ourGateways) {
        return switch (planned) {
            case ObjectStatus.GatewayClassStatus s ->
                new ObjectStatus.GatewayClassStatus(conditions(list(status, "conditions")));
            case ObjectStatus.ModelRewriteStatus s ->
                new ObjectStatus.ModelRewriteStatus(conditions(list(status, "conditions")));
            case ObjectStatus.EventStatus s -> new ObjectStatus.EventStatus(List.of());
            case ObjectStatus.GatewayStatus s ->
                new ObjectStatus.GatewayStatus(
                        List.of(),
                        conditions(list(status, "conditions")),
                        list(status, "listeners").stream()
                                .map(l -> new ObjectStatus.ListenerStatus(
                                        String.valueOf(l.get("name")), List.of(), 0, conditions(list(l, "conditions"))))
                                .toList());
            case ObjectStatus.HttpRouteStatus s ->
                new ObjectStatus.HttpRouteStatus(list(status, "parents").stream()
                        .filter(e -> controllerName.equals(e.get("controllerName")))
                        .map(StatusMerge::parentStatus)
                        .toList());
            case ObjectStatus.InferencePoolStatus s ->
                new ObjectStatus.InferencePoolStatus(list(status, "parents").stream()
                        .filter(e -> isOurPoolParent(e, controllerName, ourGateways))
                        .map(StatusMerge::parentStatus)
                        .toList());
            case ObjectStatus.PolicyStatus s ->
                new ObjectStatus.PolicyStatus(list(status, "ancestors").stream()
                        .filter(e -> controllerName.equals(e.get("controllerName")))
                        .map(e -> new ObjectStatus.ParentStatus(
                                parentRef(map(e, "ancestorRef")),
                                String.valueOf(e.get("controllerName")),
                                conditions(list(e, "conditions"))))
                        .toList());
        };
    }

    private static ObjectStatus.ParentStatus parentStatus(Map<String, Object> entry) {
        return new ObjectStatus.ParentStatus(
                parentRef(map(entry, "parentRef")),
                String.valueOf(entry.get("controllerName")),
                conditions(list(entry, "conditions")));
    }

    /** A stored parentRef with the CRDs' defaults for group and kind. */
    private static ParentRef parentRef(Map<String, Object> ref) {
        return new ParentRef(
                string(ref, "group").orElse("gateway.networking.k8s.io"),
                string(ref, "kind").orElse("Gateway"),
                string(ref, "namespace"),
                string(ref, "name").orElse(""),
                string(ref, "sectionName"),
                ref.get("port") instanceof Number n ? Optional.of(n.intValue()) : Optional.empty());
    }

    private static List<Condition> conditions(List<Map<String, Object>> stored) {
        List<Condition> out = new ArrayList<>();
        for (Map<String, Object> c : stored) {
            Optional<ConditionStatus> status = switch (String.valueOf(c.get("status"))) {
                case "True" -> Optional.of(ConditionStatus.TRUE);
                case "False" -> Optional.of(ConditionStatus.FALSE);
                case "Unknown" -> Optional.of(ConditionStatus.UNKNOWN);
                default -> Optional.empty();
            };
            Optional<Instant> time = string(c, "lastTransitionTime").flatMap(StatusMerge::instant);
            if (status.isPresent() && time.isPresent() && c.get("type") instanceof String type) {
                out.add(new Condition(
                        type,
                        status.get(),
                        string(c, "reason").orElse(""),
                        string(c, "message").orElse(""),
                        c.get("observedGeneration") instanceof Number n ? n.longValue() : 0L,
                        time));
            }
        }
        return out;
    }

    private static boolean isOurPoolParent(Map<String, Object> entry, String controllerName, Set<String> ourGateways) {
        Object name = entry.get("controllerName");
        if (name != null) {
            return controllerName.equals(name);
        }
        ParentRef ref = parentRef(map(entry, "parentRef"));
        return ref.group().equals("gateway.networking.k8s.io")
                && ref.kind().equals("Gateway")
                && ourGateways.contains(ref.namespace().orElse("") + "/" + ref.name());
    }

    // ---- merging --------------------------------------------------------------------------------

    /** Conditions of {@code ours} replace stored ones of the same type in place; others are kept. */
    private static List<Object> byType(List<Map<String, Object>> stored, List<Map<String, Object>> ours) {
        Map<Object, Map<String, Object>> byType = new LinkedHashMap<>();
        ours.forEach(c -> byType.put(c.get("type"), c));
        List<Object> out = new ArrayList<>();
        for (Map<String, Object> c : stored) {
            Map<String, Object> mine = byType.remove(c.get("type"));
            out.add(mine != null ? mine : c);
        }
        out.addAll(byType.values());
        return out;
    }

    private static Map<String, Object> parents(
            Map<String, Object> current,
            Map<String, Object> base,
            List<Map<String, Object>> ours,
            Function<Map<String, Object>, Boolean> isOurs) {
        return parents(current, base, ours, isOurs, "parents", "parentRef");
    }

    /** Replaces our entries of a list of {@code listField} entries keyed by their {@code refField}. */
    private static Map<String, Object> parents(
            Map<String, Object> current,
            Map<String, Object> base,
            List<Map<String, Object>> ours,
            Function<Map<String, Object>, Boolean> isOurs,
            String listField,
            String refField) {
        List<Map<String, Object>> stored = list(base, listField);
        if (ours.isEmpty() && stored.stream().noneMatch(isOurs::apply)) {
            return current; // nothing of ours, before or after: leave the object alone
        }
        Map<String, Map<String, Object>> byRef = new LinkedHashMap<>();
        ours.forEach(e -> byRef.put(parentRef(map(e, refField)).scope(), e));
        List<Object> out = new ArrayList<>();
        for (Map<String, Object> e : stored) {
            if (!isOurs.apply(e)) {
                out.add(e);
                continue;
            }
            Map<String, Object> mine = byRef.remove(parentRef(map(e, refField)).scope());
            if (mine != null) {
                out.add(mine);
            }
        }
        out.addAll(byRef.values());
        base.put(listField, out);
        return base;
    }

    // ---- trees ----------------------------------------------------------------------------------

    /** Our status in tree form, the way the API stores it (StatusJson's field order). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> tree(ObjectStatus status) {
        return (Map<String, Object>) fromJson(StatusJson.status(status));
    }

    private static Object fromJson(jakarta.json.JsonValue v) {
        return switch (v.getValueType()) {
            case OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                v.asJsonObject().forEach((k, x) -> m.put(k, fromJson(x)));
                yield m;
            }
            case ARRAY -> v.asJsonArray().stream().map(StatusMerge::fromJson).toList();
            case STRING -> ((jakarta.json.JsonString) v).getString();
            case NUMBER -> {
                jakarta.json.JsonNumber n = (jakarta.json.JsonNumber) v;
                yield n.isIntegral() ? (Object) n.longValue() : (Object) n.doubleValue();
            }
            case TRUE -> true;
            case FALSE -> false;
            case NULL -> null;
        };
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> copy(Map<String, Object> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(
                k,
                v instanceof Map<?, ?> x
                        ? copy((Map<String, Object>) x)
                        : v instanceof List<?> l ? new ArrayList<>(l) : v));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> m, String field) {
        return m != null && m.get(field) instanceof Map<?, ?> x ? (Map<String, Object>) x : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> m, String field) {
        if (m == null || !(m.get(field) instanceof List<?> l)) {
            return List.of();
        }
        return l.stream()
                .filter(x -> x instanceof Map<?, ?>)
                .map(x -> (Map<String, Object>) x)
                .toList();
    }

    private static Optional<String> string(Map<String, Object> m, String field) {
        return m.get(field) instanceof String s ? Optional.of(s) : Optional.empty();
    }

    private static Optional<Instant> instant(String text) {
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
