package io.infergate.controller.status;

import io.infergate.controller.kube.Trees;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Merging our status into what the API stores: only our parts change, stored times are kept. */
class StatusMergeTest {

    private static final String OURS = "infergate.io/gateway-controller";
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant NOW = Instant.parse("2026-02-02T00:00:00Z");
    private static final ObjectKey ROUTE = new ObjectKey("gateway.networking.k8s.io/v1", "HTTPRoute", "demo", "r");
    private static final ObjectKey POOL = new ObjectKey("inference.networking.k8s.io/v1", "InferencePool", "demo", "p");
    private static final ObjectKey CLASS = new ObjectKey("gateway.networking.k8s.io/v1", "GatewayClass", "", "c");
    private static final ParentRef GATEWAY = new ParentRef(
            "gateway.networking.k8s.io", "Gateway", Optional.empty(), "gw", Optional.empty(), Optional.empty());

    @Test
    void aRouteKeepsOtherControllersEntriesAndItsStoredTimesWhileStatusIsUnchanged() {
        Map<String, Object> stored = tree("""
                {"parents": [
                  {"parentRef": {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "other"},
                   "controllerName": "example.net/other",
                   "conditions": [{"type": "Accepted", "status": "True", "reason": "Accepted", "message": "x",
                                   "lastTransitionTime": "2025-05-05T00:00:00Z", "observedGeneration": 1}]},
                  {"parentRef": {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "gw"},
                   "controllerName": "%s",
                   "conditions": [{"type": "Accepted", "status": "True", "observedGeneration": 1,
                                   "lastTransitionTime": "2026-01-01T00:00:00Z", "reason": "Accepted", "message": "accepted"},
                                  {"type": "ResolvedRefs", "status": "True", "observedGeneration": 1,
                                   "lastTransitionTime": "2026-01-01T00:00:00Z", "reason": "ResolvedRefs", "message": "all references resolved"}]}
                ]}""".formatted(OURS));
        ObjectStatus same = route(
                Condition.isTrue("Accepted", "Accepted", "accepted", 1),
                Condition.isTrue("ResolvedRefs", "ResolvedRefs", "all references resolved", 1));
        assertEquals(
                stored,
                StatusMerge.merge(ROUTE, same, stored, OURS, Set.of(), NOW),
                "nothing of ours changed: no write");

        // A new generation changes observedGeneration only: the times stay; a flip to False gets NOW.
        ObjectStatus next = route(
                Condition.isTrue("Accepted", "Accepted", "accepted", 2),
                Condition.isFalse("ResolvedRefs", "BackendNotFound", "gone", 2));
        Map<String, Object> merged = StatusMerge.merge(ROUTE, next, stored, OURS, Set.of(), NOW);
        List<Object> parents = Trees.list(merged, "parents");
        assertEquals(
                Trees.list(stored, "parents").getFirst(),
                parents.getFirst(),
                "the other controller's entry, untouched");
        List<Object> conditions = Trees.list(map(parents.get(1)), "conditions");
        assertEquals(T0.toString(), map(conditions.get(0)).get("lastTransitionTime"));
        assertEquals(2L, map(conditions.get(0)).get("observedGeneration"));
        assertEquals(NOW.toString(), map(conditions.get(1)).get("lastTransitionTime"));

        // No parent of ours any more: our entry goes, the other stays.
        Map<String, Object> none =
                StatusMerge.merge(ROUTE, new ObjectStatus.HttpRouteStatus(List.of()), stored, OURS, Set.of(), NOW);
        assertEquals(List.of(Trees.list(stored, "parents").getFirst()), Trees.list(none, "parents"));
    }

    @Test
    void aRouteThatWasNeverOursIsLeftAlone() {
        Map<String, Object> stored = tree("""
                {"parents": [{"parentRef": {"name": "other"}, "controllerName": "example.net/other", "conditions": []}]}""");
        assertSame(
                stored,
                StatusMerge.merge(ROUTE, new ObjectStatus.HttpRouteStatus(List.of()), stored, OURS, Set.of(), NOW));
        assertNull(
                StatusMerge.merge(ROUTE, new ObjectStatus.HttpRouteStatus(List.of()), null, OURS, Set.of(), NOW),
                "no status before, none of ours now: nothing to write");
    }

    @Test
    void poolEntriesWithoutAControllerNameAreOursWhenTheirGatewayIs() {
        Map<String, Object> stored = tree("""
                {"parents": [
                  {"parentRef": {"group": "gateway.networking.k8s.io", "kind": "Gateway", "namespace": "demo", "name": "gw"},
                   "conditions": [{"type": "Accepted", "status": "True", "reason": "Accepted", "message": "m",
                                   "lastTransitionTime": "2025-05-05T00:00:00Z"}]},
                  {"parentRef": {"group": "gateway.networking.k8s.io", "kind": "Gateway", "namespace": "demo", "name": "theirs"},
                   "conditions": [{"type": "Accepted", "status": "True", "reason": "Accepted", "message": "m",
                                   "lastTransitionTime": "2025-05-05T00:00:00Z"}]}
                ]}""");
        Map<String, Object> merged = StatusMerge.merge(
                POOL, new ObjectStatus.InferencePoolStatus(List.of()), stored, OURS, Set.of("demo/gw"), NOW);
        assertEquals(
                List.of(Trees.list(stored, "parents").get(1)),
                Trees.list(merged, "parents"),
                "the stale entry for our Gateway is removed, the foreign one kept");
    }

    @Test
    void aGatewayClassReplacesTheDefaultedConditionByTypeAndKeepsOthers() {
        Map<String, Object> stored = tree("""
                {"conditions": [
                  {"type": "Accepted", "status": "Unknown", "reason": "Pending", "message": "Waiting for controller",
                   "lastTransitionTime": "1970-01-01T00:00:00Z"},
                  {"type": "example.net/Audited", "status": "True", "reason": "Done", "message": "m",
                   "lastTransitionTime": "2025-05-05T00:00:00Z"}]}""");
        Map<String, Object> merged = StatusMerge.merge(
                CLASS,
                new ObjectStatus.GatewayClassStatus(List.of(Condition.isTrue("Accepted", "Accepted", "handled", 3))),
                stored,
                OURS,
                Set.of(),
                NOW);
        assertEquals(tree("""
                {"conditions": [
                  {"type": "Accepted", "status": "True", "observedGeneration": 3, "lastTransitionTime": "2026-02-02T00:00:00Z",
                   "reason": "Accepted", "message": "handled"},
                  {"type": "example.net/Audited", "status": "True", "reason": "Done", "message": "m",
                   "lastTransitionTime": "2025-05-05T00:00:00Z"}]}"""), merged);
    }

    @Test
    void aPolicyWritesItsAncestorsAndKeepsOtherControllersAndStoredTimes() {
        ObjectKey policy = new ObjectKey("infergate.io/v1alpha1", "AuthPolicy", "demo", "auth");
        Map<String, Object> stored = tree("""
                {"ancestors": [
                  {"ancestorRef": {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "other"},
                   "controllerName": "example.net/other", "conditions": []},
                  {"ancestorRef": {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "gw"},
                   "controllerName": "%s",
                   "conditions": [{"type": "Accepted", "status": "True", "observedGeneration": 1,
                                   "lastTransitionTime": "2026-01-01T00:00:00Z", "reason": "Accepted", "message": "enforced"}]}
                ]}""".formatted(OURS));
        ObjectStatus next = new ObjectStatus.PolicyStatus(List.of(new ObjectStatus.ParentStatus(
                GATEWAY,
                OURS,
                List.of(
                        Condition.isTrue("Accepted", "Accepted", "enforced", 1),
                        Condition.isFalse("ResolvedRefs", "SecretNotFound", "Secret demo/keys does not exist", 1)))));
        Map<String, Object> merged = StatusMerge.merge(policy, next, stored, OURS, Set.of(), NOW);
        List<Object> ancestors = Trees.list(merged, "ancestors");
        assertEquals(2, ancestors.size(), merged.toString());
        assertEquals(Trees.list(stored, "ancestors").getFirst(), ancestors.getFirst(), "the other controller's entry");
        Map<String, Object> ours = map(ancestors.get(1));
        assertEquals("gw", map(ours.get("ancestorRef")).get("name"));
        List<Object> conditions = Trees.list(ours, "conditions");
        assertEquals(T0.toString(), map(conditions.get(0)).get("lastTransitionTime"), "unchanged: time kept");
        assertEquals("SecretNotFound", map(conditions.get(1)).get("reason"));
        assertEquals(NOW.toString(), map(conditions.get(1)).get("lastTransitionTime"), "new: stamped now");
    }

    private static ObjectStatus route(Condition accepted, Condition resolved) {
        return new ObjectStatus.HttpRouteStatus(
                List.of(new ObjectStatus.ParentStatus(GATEWAY, OURS, List.of(accepted, resolved))));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> tree(String json) {
        return (Map<String, Object>) Trees.parse(json);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }
}
