package io.infergate.router.proxy;

import io.infergate.common.snapshot.Objective;
import io.infergate.router.schedule.Pick;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The pure parts of the endpoint step: how a scheduler refusal is answered
 * ({@link EndpointChoice#refusal}) and which priority an objective header gives
 * ({@link InferenceCall#priority}).
 */
class EndpointChoiceTest {

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of(
                        "shed: 429 with Retry-After",
                        new Pick.Shed(Duration.ofSeconds(3)),
                        429,
                        EndpointChoice.POOL_SATURATED,
                        Optional.of(Duration.ofSeconds(3))),
                Arguments.of(
                        "queue timeout: 503",
                        new Pick.QueueTimeout(Duration.ofMillis(250)),
                        503,
                        EndpointChoice.QUEUE_TIMEOUT,
                        Optional.empty()),
                Arguments.of(
                        "queue full: 503", new Pick.QueueFull(7), 503, EndpointChoice.QUEUE_FULL, Optional.empty()),
                Arguments.of("no endpoints: 503", new Pick.NoEndpoints(), 503, "no_healthy_upstream", Optional.empty()),
                Arguments.of(
                        "every endpoint at its bound: 503",
                        new Pick.Saturated(4),
                        503,
                        "upstream_saturated",
                        Optional.empty()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusal(String reason, Pick pick, int status, String code, Optional<Duration> retryAfter) {
        EndpointChoice.Refusal r = EndpointChoice.refusal(pick, "pool/default/p");
        assertEquals(status, r.error().status());
        assertEquals(code, r.error().code());
        assertEquals(retryAfter, r.retryAfter());
    }

    static Stream<Arguments> priorities() {
        List<Objective> objectives = List.of(
                new Objective("o1", "default", "gold", "pool/default/p", 5),
                new Objective("o2", "default", "gold", "pool/default/other", 9),
                new Objective("o3", "default", "bulk", "pool/default/p", -1));
        return Stream.of(
                Arguments.of("no header: 0", Optional.empty(), objectives, 0),
                Arguments.of("named objective of this pool", Optional.of("gold"), objectives, 5),
                Arguments.of("negative priority kept", Optional.of("bulk"), objectives, -1),
                Arguments.of("unknown name: 0", Optional.of("silver"), objectives, 0),
                Arguments.of("an objective of another pool only: 0", Optional.of("gold"), objectives.subList(1, 2), 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("priorities")
    void priority(String reason, Optional<String> header, List<Objective> objectives, int expected) {
        assertEquals(expected, InferenceCall.priority(header, objectives, "pool/default/p"));
    }
}
