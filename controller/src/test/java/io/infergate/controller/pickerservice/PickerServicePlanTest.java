package io.infergate.controller.pickerservice;

import io.infergate.controller.model.InferencePool;
import io.infergate.controller.model.ObjectMeta;
import io.infergate.controller.model.Service;
import io.infergate.controller.pickerservice.PickerObjects.Endpoint;
import io.infergate.controller.pickerservice.PickerServicePlan.Plan;
import io.infergate.controller.pickerservice.PickerServicePlan.Router;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PickerServicePlanTest {

    private static final PickerServiceSettings SETTINGS =
            PickerServiceSettings.defaults("infergate-picker", "kthena-system");
    private static final List<Router> ROUTERS = List.of(
            new Router("r-b", "10.0.0.2", true),
            new Router("r-a", "10.0.0.1", true),
            new Router("r-starting", "10.0.0.3", false));

    private static InferencePool pool(String ns, String name, String pickerService, String kind, boolean deleting) {
        return new InferencePool(
                new ObjectMeta(ns, name, 1, "2026-01-01T00:00:00Z", Map.of(), Map.of(), deleting),
                Map.of("app", name),
                List.of(8000),
                "http",
                pickerService == null
                        ? Optional.empty()
                        : Optional.of(new InferencePool.EndpointPickerRef(
                                "", kind, pickerService, Optional.of(9002), "FailClose")));
    }

    private static InferencePool pool(String ns, String name, String pickerService) {
        return pool(ns, name, pickerService, "Service", false);
    }

    private static Service service(String ns, String name, Map<String, String> labels) {
        return new Service(
                new ObjectMeta(ns, name, 1, "2026-01-01T00:00:00Z", labels, Map.of(), false),
                "ClusterIP",
                Optional.of("10.96.0.10"),
                Map.of(),
                List.of());
    }

    @Test
    void oneServiceAndSlicePerNamespaceWithTheReadyRoutersSorted() {
        Plan plan = PickerServicePlan.plan(
                List.of(
                        pool("a", "p1", "infergate-picker"),
                        pool("a", "p2", "infergate-picker"),
                        pool("b", "p3", "infergate-picker")),
                List.of(),
                ROUTERS,
                SETTINGS);
        assertEquals(
                List.of("a/infergate-picker", "b/infergate-picker"),
                plan.services().stream().map(PickerObjects.Service::key).toList());
        assertEquals(
                List.of(
                        new PickerObjects.Port("grpc-ext-proc", 9002, "http2"),
                        new PickerObjects.Port("grpc-health", 9003, "grpc")),
                plan.services().getFirst().ports());
        assertEquals(
                List.of("a/infergate-picker-ipv4", "b/infergate-picker-ipv4"),
                plan.slices().stream().map(PickerObjects.Slice::key).toList());
        assertEquals(
                List.of(
                        new Endpoint("10.0.0.1", "kthena-system", "r-a"),
                        new Endpoint("10.0.0.2", "kthena-system", "r-b")),
                plan.slices().getFirst().endpoints(),
                "ready routers only, by address");
        assertEquals("infergate-picker", plan.slices().getFirst().service());
        assertTrue(plan.conflicts().isEmpty());
    }

    @Test
    void noRouterReadyStillGivesTheServiceAnEmptySlice() {
        Plan plan = PickerServicePlan.plan(
                List.of(pool("a", "p1", "infergate-picker")),
                List.of(),
                List.of(new Router("r", "10.0.0.1", false)),
                SETTINGS);
        assertEquals(1, plan.slices().size());
        assertEquals(List.of(), plan.slices().getFirst().endpoints());
    }

    @Test
    void ipv6RoutersGetTheirOwnSlice() {
        Plan plan = PickerServicePlan.plan(
                List.of(pool("a", "p1", "infergate-picker")),
                List.of(),
                List.of(new Router("r4", "10.0.0.1", true), new Router("r6", "fd00::5", true)),
                SETTINGS);
        assertEquals(
                List.of("IPv4", "IPv6"),
                plan.slices().stream().map(PickerObjects.Slice::addressType).toList());
        assertEquals("fd00::5", plan.slices().get(1).endpoints().getFirst().address());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "no picker ref,,Service,false",
        "another Service,epp,Service,false",
        "not a Service,infergate-picker,Deployment,false",
        "pool being deleted,infergate-picker,Service,true"
    })
    void poolsThatDoNotNameThePickerNeedNothing(String why, String service, String kind, boolean deleting) {
        Plan plan =
                PickerServicePlan.plan(List.of(pool("a", "p1", service, kind, deleting)), List.of(), ROUTERS, SETTINGS);
        assertEquals(new Plan(List.of(), List.of(), List.of()), plan, why);
    }

    @Test
    void theRoutersOwnNamespaceIsLeftToTheComponentsService() {
        Plan plan = PickerServicePlan.plan(
                List.of(pool("kthena-system", "p1", "infergate-picker")),
                List.of(service("kthena-system", "infergate-picker", Map.of())),
                ROUTERS,
                SETTINGS);
        assertEquals(new Plan(List.of(), List.of(), List.of()), plan);
    }

    @Test
    void aServiceOfTheNameThatIsNotOursIsLeftAloneAndReportedOnEveryPoolNamingIt() {
        Plan plan = PickerServicePlan.plan(
                List.of(
                        pool("a", "p1", "infergate-picker"), pool("a", "p2", "infergate-picker"),
                        pool("a", "other", "epp"), pool("b", "p3", "infergate-picker")),
                List.of(
                        service("a", "infergate-picker", Map.of("app", "mine")),
                        service("b", "infergate-picker", Map.of(PickerObjects.MANAGED_LABEL, "true"))),
                ROUTERS,
                SETTINGS);
        assertEquals(
                List.of("b/infergate-picker"),
                plan.services().stream().map(PickerObjects.Service::key).toList(),
                "ours is kept in step");
        assertEquals(
                List.of("p1", "p2"),
                plan.conflicts().stream().map(PickerObjects.Conflict::poolName).toList());
        assertEquals(PickerServicePlan.NOT_OWNED, plan.conflicts().getFirst().reason());
        assertTrue(
                plan.conflicts().getFirst().message().contains("a/infergate-picker"),
                plan.conflicts().getFirst().message());
    }

    @ParameterizedTest(name = "{0} usable: {1}")
    @CsvSource({
        "10.244.0.5,true",
        "192.0.2.7,true",
        "127.0.1.2,false",
        "169.254.1.1,false",
        "0.0.0.0,false",
        "fd00::2,true",
        "::1,false",
        "fe80::1,false",
        "'',false"
    })
    void addressesTheApiRefusesInASliceAreLeftOut(String ip, boolean usable) {
        assertEquals(usable, PickerServicePlan.usable(ip));
    }

    @Test
    void changesCreateUpdateAndDeleteByKeyAndWriteNothingWhenEqual() {
        record O(String key, int v) {}
        Changes<O> c = Changes.between(
                List.of(new O("a", 1), new O("b", 2), new O("c", 3)),
                List.of(new O("b", 2), new O("c", 4), new O("d", 5)),
                O::key);
        assertEquals(List.of(new O("a", 1)), c.create());
        assertEquals(List.of(new O("c", 3)), c.update());
        assertEquals(List.of(new O("d", 5)), c.delete());
        assertTrue(Changes.between(List.of(new O("a", 1)), List.of(new O("a", 1)), O::key)
                .none());
    }
}
