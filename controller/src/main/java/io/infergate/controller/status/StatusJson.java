package io.infergate.controller.status;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import java.util.List;
import java.util.function.Function;

/**
 * The JSON form of a status, field for field what Kubernetes stores in the status subresource:
 * {@code {"apiVersion", "kind", "metadata": {"namespace"?, "name"}, "status": {...}}}. Conditions
 * are written type, status, observedGeneration, lastTransitionTime (when stamped), reason, message.
 */
public final class StatusJson {

    private StatusJson() {}

    /** One object with its status. Cluster-scoped objects have no namespace in metadata. */
    public static JsonObject object(StatusPlan.Entry entry) {
        ObjectKey key = entry.key();
        JsonObjectBuilder metadata = Json.createObjectBuilder();
        if (!key.namespace().isEmpty()) {
            metadata.add("namespace", key.namespace());
        }
        metadata.add("name", key.name());
        return Json.createObjectBuilder()
                .add("apiVersion", key.apiVersion())
                .add("kind", key.kind())
                .add("metadata", metadata)
                .add("status", status(entry.status()))
                .build();
    }

    /** Every entry of a plan, in plan order. */
    public static JsonArrayBuilder objects(StatusPlan plan) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        plan.entries().forEach(e -> a.add(object(e)));
        return a;
    }

    /** The {@code status} object alone. */
    public static JsonObject status(ObjectStatus status) {
        JsonObjectBuilder o = Json.createObjectBuilder();
        switch (status) {
            case ObjectStatus.GatewayClassStatus s -> o.add("conditions", conditions(s.conditions()));
            case ObjectStatus.ModelRewriteStatus s -> o.add("conditions", conditions(s.conditions()));
            case ObjectStatus.EventStatus s -> o.add("conditions", conditions(s.conditions()));
            case ObjectStatus.GatewayStatus s ->
                o.add(
                                "addresses",
                                array(
                                        s.addresses(),
                                        a -> Json.createObjectBuilder()
                                                .add("type", a.type())
                                                .add("value", a.value())))
                        .add("conditions", conditions(s.conditions()))
                        .add("listeners", array(s.listeners(), StatusJson::listener));
            case ObjectStatus.HttpRouteStatus s -> o.add("parents", array(s.parents(), StatusJson::parent));
            case ObjectStatus.InferencePoolStatus s -> o.add("parents", array(s.parents(), StatusJson::parent));
            case ObjectStatus.PolicyStatus s -> o.add("ancestors", array(s.ancestors(), p -> parent(p, "ancestorRef")));
        }
        return o.build();
    }

    private static JsonObjectBuilder listener(ObjectStatus.ListenerStatus l) {
        return Json.createObjectBuilder()
                .add("name", l.name())
                .add(
                        "supportedKinds",
                        array(
                                l.supportedKinds(),
                                k -> Json.createObjectBuilder()
                                        .add("group", k.group())
                                        .add("kind", k.kind())))
                .add("attachedRoutes", l.attachedRoutes())
                .add("conditions", conditions(l.conditions()));
    }

    private static JsonObjectBuilder parent(ObjectStatus.ParentStatus p) {
        return parent(p, "parentRef");
    }

    private static JsonObjectBuilder parent(ObjectStatus.ParentStatus p, String refField) {
        ParentRef r = p.parentRef();
        JsonObjectBuilder ref =
                Json.createObjectBuilder().add("group", r.group()).add("kind", r.kind());
        r.namespace().ifPresent(v -> ref.add("namespace", v));
        ref.add("name", r.name());
        r.sectionName().ifPresent(v -> ref.add("sectionName", v));
        r.port().ifPresent(v -> ref.add("port", v));
        return Json.createObjectBuilder()
                .add(refField, ref)
                .add("controllerName", p.controllerName())
                .add("conditions", conditions(p.conditions()));
    }

    private static JsonArrayBuilder conditions(List<Condition> conditions) {
        return array(conditions, c -> {
            JsonObjectBuilder o = Json.createObjectBuilder()
                    .add("type", c.type())
                    .add("status", c.status().wire())
                    .add("observedGeneration", c.observedGeneration());
            c.lastTransitionTime().ifPresent(t -> o.add("lastTransitionTime", t.toString()));
            return o.add("reason", c.reason()).add("message", c.message());
        });
    }

    private static <T> JsonArrayBuilder array(List<T> items, Function<T, JsonObjectBuilder> each) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        items.forEach(i -> a.add(each.apply(i)));
        return a;
    }
}
