package io.infergate.controller.status;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** lastTransitionTime moves only when a condition's status changes. */
class StamperTest {

    private static final Instant T1 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant T2 = Instant.parse("2026-01-01T00:05:00Z");
    private static final ObjectKey ROUTE = new ObjectKey("gateway.networking.k8s.io/v1", "HTTPRoute", "default", "r");
    private static final ParentRef GW = ParentRef.gateway("default", "gw");

    @Test
    void firstStampUsesNow() {
        StatusPlan stamped = Stamper.stamp(
                route(accepted(1), Condition.isTrue("ResolvedRefs", "ResolvedRefs", "ok", 1)), StatusPlan.empty(), T1);
        assertEquals(List.of(Optional.of(T1), Optional.of(T1)), times(stamped));
    }

    @Test
    void keepsTheTimeWhileTheStatusIsUnchangedEvenIfReasonMessageOrGenerationChange() {
        StatusPlan first = Stamper.stamp(route(accepted(1), resolved(1)), StatusPlan.empty(), T1);
        StatusPlan second = Stamper.stamp(
                route(accepted(2), Condition.isTrue("ResolvedRefs", "ResolvedRefs", "different words", 2)), first, T2);
        assertEquals(List.of(Optional.of(T1), Optional.of(T1)), times(second));
        assertEquals(2, conditions(second).getFirst().observedGeneration());
    }

    @Test
    void changesTheTimeWhenTheStatusFlips() {
        StatusPlan first = Stamper.stamp(route(accepted(1), resolved(1)), StatusPlan.empty(), T1);
        StatusPlan second = Stamper.stamp(
                route(accepted(1), Condition.isFalse("ResolvedRefs", "BackendNotFound", "gone", 1)), first, T2);
        assertEquals(List.of(Optional.of(T1), Optional.of(T2)), times(second));
    }

    @Test
    void pairsConditionsByScopeSoOneListenerFlippingLeavesTheOthers() {
        ObjectKey gwKey = new ObjectKey("gateway.networking.k8s.io/v1", "Gateway", "default", "gw");
        StatusPlan before = Stamper.stamp(
                new StatusPlan(List.of(new StatusPlan.Entry(gwKey, gateway(false, false)))), StatusPlan.empty(), T1);
        StatusPlan after =
                Stamper.stamp(new StatusPlan(List.of(new StatusPlan.Entry(gwKey, gateway(false, true)))), before, T2);
        ObjectStatus.GatewayStatus g =
                (ObjectStatus.GatewayStatus) after.entries().getFirst().status();
        assertEquals(
                Optional.of(T1), g.listeners().get(0).conditions().getFirst().lastTransitionTime());
        assertEquals(
                Optional.of(T2), g.listeners().get(1).conditions().getFirst().lastTransitionTime());
    }

    @Test
    void programmedFlipsTrueForServedGatewaysOnlyAndListenersFollow() {
        ObjectKey served = new ObjectKey("gateway.networking.k8s.io/v1", "Gateway", "default", "gw");
        ObjectKey other = new ObjectKey("gateway.networking.k8s.io/v1", "Gateway", "default", "other");
        StatusPlan plan = new StatusPlan(List.of(
                new StatusPlan.Entry(served, gateway(false, false)),
                new StatusPlan.Entry(other, gateway(false, false))));
        StatusPlan adjusted = Programmed.apply(plan, java.util.Set.of("gateway/default/gw"));
        ObjectStatus.GatewayStatus g =
                (ObjectStatus.GatewayStatus) adjusted.get(served).orElseThrow();
        assertEquals(ConditionStatus.TRUE, g.conditions().getFirst().status());
        assertEquals("Programmed", g.conditions().getFirst().reason());
        assertTrue(
                g.listeners().stream().allMatch(l -> l.conditions().getFirst().status() == ConditionStatus.TRUE));
        assertEquals(plan.get(other), adjusted.get(other), "a Gateway no router serves stays Pending");
    }

    @Test
    void programmedLeavesAnInvalidGatewayFalse() {
        ObjectKey key = new ObjectKey("gateway.networking.k8s.io/v1", "Gateway", "default", "gw");
        Condition invalid = Condition.isFalse(Programmed.TYPE, "Invalid", "not accepted", 1);
        StatusPlan plan = new StatusPlan(List.of(
                new StatusPlan.Entry(key, new ObjectStatus.GatewayStatus(List.of(), List.of(invalid), List.of()))));
        assertEquals(plan, Programmed.apply(plan, java.util.Set.of("gateway/default/gw")));
    }

    private static ObjectStatus.GatewayStatus gateway(boolean firstProgrammed, boolean secondProgrammed) {
        return new ObjectStatus.GatewayStatus(
                List.of(),
                List.of(pending()),
                List.of(
                        new ObjectStatus.ListenerStatus(
                                "a", List.of(), 0, List.of(firstProgrammed ? programmed() : pending())),
                        new ObjectStatus.ListenerStatus(
                                "b", List.of(), 0, List.of(secondProgrammed ? programmed() : pending()))));
    }

    private static Condition pending() {
        return Condition.isFalse(Programmed.TYPE, Programmed.PENDING, Programmed.PENDING_MESSAGE, 1);
    }

    private static Condition programmed() {
        return Condition.isTrue(Programmed.TYPE, "Programmed", "served", 1);
    }

    private static Condition accepted(long gen) {
        return Condition.isTrue("Accepted", "Accepted", "accepted", gen);
    }

    private static Condition resolved(long gen) {
        return Condition.isTrue("ResolvedRefs", "ResolvedRefs", "ok", gen);
    }

    private static StatusPlan route(Condition... conditions) {
        return new StatusPlan(List.of(new StatusPlan.Entry(
                ROUTE,
                new ObjectStatus.HttpRouteStatus(List.of(
                        new ObjectStatus.ParentStatus(GW, "infergate.io/gateway-controller", List.of(conditions)))))));
    }

    private static List<Condition> conditions(StatusPlan plan) {
        return ((ObjectStatus.HttpRouteStatus) plan.entries().getFirst().status())
                .parents()
                .getFirst()
                .conditions();
    }

    private static List<Optional<Instant>> times(StatusPlan plan) {
        return conditions(plan).stream().map(Condition::lastTransitionTime).toList();
    }
}
