package io.infergate.router.epp;

import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.Endpoint;
import io.infergate.router.schedule.BackendTarget;
import io.infergate.router.schedule.RoundRobin;
import io.infergate.router.schedule.endpoint.EndpointRegistry;
import io.infergate.router.schedule.endpoint.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which pool an ext_proc request is for, and which endpoints it may get (ADR 0025). */
class PoolLookupTest {

    private static final EndpointRegistry REGISTRY = new EndpointRegistry();

    private static BackendTarget pool(String name, boolean picker, String... addresses) {
        List<Endpoint> endpoints = Stream.of(addresses)
                .map(a -> new Endpoint(a, 8000, Optional.empty(), Map.of()))
                .toList();
        Backend.InferencePool p = new Backend.InferencePool(
                Backend.InferencePool.idOf("llm", name),
                "llm",
                name,
                Backend.AppProtocol.HTTP,
                endpoints,
                picker ? Optional.of(new Backend.EndpointPicker("10.0.9.9", 9002, false)) : Optional.empty());
        List<Target> targets = endpoints.stream()
                .map(e -> new Target(e, REGISTRY.state(e.hostPort())))
                .toList();
        return new BackendTarget(p, targets, new RoundRobin());
    }

    private static final BackendTarget A = pool("a", true, "10.0.0.1", "10.0.0.2");
    private static final BackendTarget B = pool("b", false, "10.0.1.1", "10.0.1.2", "10.0.0.2");
    private static final BackendTarget C = pool("c", true, "10.0.2.1");

    /** Each row: reason, pools, configured pool, hint, then the pool name and its candidates, or "none: <part of the reason>". */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(
                        "configured pool, whatever else",
                        List.of(A, B, C),
                        Optional.of("llm/b"),
                        Optional.empty(),
                        "b 10.0.1.1,10.0.1.2,10.0.0.2"),
                Arguments.of(
                        "configured pool missing", List.of(A), Optional.of("llm/zz"), Optional.empty(), "none: llm/zz"),
                Arguments.of(
                        "hint: the pool with most hinted endpoints, narrowed to them",
                        List.of(A, B, C),
                        Optional.empty(),
                        Optional.of(List.of("10.0.1.1:8000", "10.0.0.2:8000")),
                        "b 10.0.1.1,10.0.0.2"),
                Arguments.of(
                        "hint outside every pool",
                        List.of(A, B),
                        Optional.empty(),
                        Optional.of(List.of("10.9.9.9:8000")),
                        "none: subset hint"),
                Arguments.of(
                        "hint present but empty: no endpoint may be picked",
                        List.of(A),
                        Optional.empty(),
                        Optional.of(List.of()),
                        "none: subset hint"),
                Arguments.of(
                        "no hint: the only pool naming a picker",
                        List.of(A, B),
                        Optional.empty(),
                        Optional.empty(),
                        "a 10.0.0.1,10.0.0.2"),
                Arguments.of(
                        "no hint: two pools name a picker",
                        List.of(A, B, C),
                        Optional.empty(),
                        Optional.empty(),
                        "none: 2 pools could be meant"),
                Arguments.of(
                        "no hint, no picker anywhere: the only pool",
                        List.of(B),
                        Optional.empty(),
                        Optional.empty(),
                        "b 10.0.1.1,10.0.1.2,10.0.0.2"),
                Arguments.of(
                        "nothing served", List.of(), Optional.empty(), Optional.empty(), "none: no InferencePool"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void finds(
            String reason,
            List<BackendTarget> pools,
            Optional<String> configured,
            Optional<List<String>> hint,
            String expected) {
        PoolLookup.Found found = PoolLookup.find(pools, configured, hint);
        switch (found) {
            case PoolLookup.Found.Pool p ->
                assertEquals(
                        expected,
                        p.pool().name() + " "
                                + String.join(
                                        ",",
                                        p.candidates().endpoints().stream()
                                                .map(t -> t.endpoint().address())
                                                .toList()));
            case PoolLookup.Found.None n ->
                assertTrue(expected.startsWith("none: ") && n.reason().contains(expected.substring(6)), n.reason());
        }
    }
}
