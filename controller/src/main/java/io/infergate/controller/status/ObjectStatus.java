package io.infergate.controller.status;

import java.util.List;

/**
 * The status subresource of one object, one record per kind we write. Every condition sits in a
 * scope (the object itself, a listener, a parent) so that a condition can be paired with its
 * previous version when stamping.
 */
public sealed interface ObjectStatus {

    /** Rewrites every condition; {@code scope} is {@code ""}, {@code listener/<name>} or {@code parent/<ref>}. */
    ObjectStatus mapConditions(ConditionMapper mapper);

    /** How {@link #mapConditions} rewrites one condition. */
    @FunctionalInterface
    interface ConditionMapper {
        Condition apply(String scope, Condition condition);
    }

    /** GatewayClass status. */
    record GatewayClassStatus(List<Condition> conditions) implements ObjectStatus {
        public GatewayClassStatus {
            conditions = List.copyOf(conditions);
        }

        @Override
        public GatewayClassStatus mapConditions(ConditionMapper mapper) {
            return new GatewayClassStatus(map("", conditions, mapper));
        }
    }

    /**
     * InferenceModelRewrite status: object-level conditions ({@code Accepted}), written only for
     * rewrites whose pool this controller serves; other conditions on the object are kept. The
     * same shape serves ExternalProvider ({@code Accepted}, {@code ResolvedRefs}).
     */
    record ModelRewriteStatus(List<Condition> conditions) implements ObjectStatus {
        public ModelRewriteStatus {
            conditions = List.copyOf(conditions);
        }

        @Override
        public ModelRewriteStatus mapConditions(ConditionMapper mapper) {
            return new ModelRewriteStatus(map("", conditions, mapper));
        }
    }

    /**
     * Conditions of an object whose CRD keeps no status fields (Kthena's ModelServer and
     * ModelRoute: their {@code status} is an empty object, so the API server prunes anything
     * written there). The controller reports them as Events on the object instead
     * (docs/adr/0029-kthena-objects.md); the admin {@code /status} shows them as conditions.
     */
    record EventStatus(List<Condition> conditions) implements ObjectStatus {
        public EventStatus {
            conditions = List.copyOf(conditions);
        }

        @Override
        public EventStatus mapConditions(ConditionMapper mapper) {
            return new EventStatus(map("", conditions, mapper));
        }
    }

    /** Gateway status: addresses, conditions, and one entry per listener in spec order. */
    record GatewayStatus(List<Address> addresses, List<Condition> conditions, List<ListenerStatus> listeners)
            implements ObjectStatus {
        public GatewayStatus {
            addresses = List.copyOf(addresses);
            conditions = List.copyOf(conditions);
            listeners = List.copyOf(listeners);
        }

        @Override
        public GatewayStatus mapConditions(ConditionMapper mapper) {
            return new GatewayStatus(
                    addresses,
                    map("", conditions, mapper),
                    listeners.stream()
                            .map(l -> new ListenerStatus(
                                    l.name(),
                                    l.supportedKinds(),
                                    l.attachedRoutes(),
                                    map("listener/" + l.name(), l.conditions(), mapper)))
                            .toList());
        }
    }

    /** A Gateway status address: type IPAddress or Hostname. */
    record Address(String type, String value) {}

    /** One listener's status. */
    record ListenerStatus(String name, List<GroupKind> supportedKinds, int attachedRoutes, List<Condition> conditions) {
        public ListenerStatus {
            supportedKinds = List.copyOf(supportedKinds);
            conditions = List.copyOf(conditions);
        }
    }

    /** A route kind a listener supports. */
    record GroupKind(String group, String kind) {}

    /** HTTPRoute status: our entries of {@code status.parents}. */
    record HttpRouteStatus(List<ParentStatus> parents) implements ObjectStatus {
        public HttpRouteStatus {
            parents = List.copyOf(parents);
        }

        @Override
        public HttpRouteStatus mapConditions(ConditionMapper mapper) {
            return new HttpRouteStatus(mapParents(parents, mapper));
        }
    }

    /** InferencePool status: our entries of {@code status.parents}, one per Gateway. */
    record InferencePoolStatus(List<ParentStatus> parents) implements ObjectStatus {
        public InferencePoolStatus {
            parents = List.copyOf(parents);
        }

        @Override
        public InferencePoolStatus mapConditions(ConditionMapper mapper) {
            return new InferencePoolStatus(mapParents(parents, mapper));
        }
    }

    /**
     * Policy status (AuthPolicy): our entries of {@code status.ancestors}, one per Gateway
     * concerned, as Gateway API policy attachment writes them (each with {@code ancestorRef}).
     */
    record PolicyStatus(List<ParentStatus> ancestors) implements ObjectStatus {
        public PolicyStatus {
            ancestors = List.copyOf(ancestors);
        }

        @Override
        public PolicyStatus mapConditions(ConditionMapper mapper) {
            return new PolicyStatus(mapParents(ancestors, mapper));
        }
    }

    /** One {@code status.parents[]} entry (or {@code status.ancestors[]} for policies). */
    record ParentStatus(ParentRef parentRef, String controllerName, List<Condition> conditions) {
        public ParentStatus {
            conditions = List.copyOf(conditions);
        }
    }

    private static List<ParentStatus> mapParents(List<ParentStatus> parents, ConditionMapper mapper) {
        return parents.stream()
                .map(p -> new ParentStatus(
                        p.parentRef(),
                        p.controllerName(),
                        map("parent/" + p.parentRef().scope(), p.conditions(), mapper)))
                .toList();
    }

    private static List<Condition> map(String scope, List<Condition> conditions, ConditionMapper mapper) {
        return conditions.stream().map(c -> mapper.apply(scope, c)).toList();
    }
}
