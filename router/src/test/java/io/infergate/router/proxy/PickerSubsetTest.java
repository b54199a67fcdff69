package io.infergate.router.proxy;

import io.infergate.common.snapshot.Endpoint;
import io.infergate.router.schedule.endpoint.EndpointRegistry;
import io.infergate.router.schedule.endpoint.Target;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The subset hint: sent only when outlier detection narrowed the pool, and then the rest of it. */
class PickerSubsetTest {

    private static final EndpointRegistry REGISTRY = new EndpointRegistry();
    private static final List<Target> POOL = List.of(target("10.0.0.1"), target("10.0.0.2"), target("10.0.0.3"));

    private static Target target(String ip) {
        return new Target(new Endpoint(ip, 8000, Optional.empty(), Map.of()), REGISTRY.state(ip + ":8000"));
    }

    @Test
    void noHintWhileNothingIsEjected() {
        assertEquals(List.of(), PickerRouting.subset(POOL, key -> false));
    }

    @Test
    void theEndpointsLeftWhenSomeAreEjected() {
        assertEquals(
                List.of("10.0.0.1:8000", "10.0.0.3:8000"),
                PickerRouting.subset(POOL, Set.of("10.0.0.2:8000")::contains));
        assertEquals(
                List.of("10.0.0.3:8000"),
                PickerRouting.subset(POOL, Set.of("10.0.0.1:8000", "10.0.0.2:8000")::contains));
    }

    @Test
    void noHintWhenEveryEndpointIsEjectedAsTheRouterWouldNotNarrowEither() {
        assertEquals(List.of(), PickerRouting.subset(POOL, key -> true));
    }
}
