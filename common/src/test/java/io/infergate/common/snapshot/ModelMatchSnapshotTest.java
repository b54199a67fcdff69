package io.infergate.common.snapshot;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code model} condition of a match (Kthena ModelRoutes): wire form, ids, validation. */
class ModelMatchSnapshotTest {

    @Test
    void modelConditionRoundTripsAndIsOmittedWhenEmpty() {
        Snapshot with = withMatch(Optional.of("deepseek-simple"));
        String json = SnapshotJson.toJson(with);
        assertTrue(json.contains("\"queryParams\":[],\"model\":\"deepseek-simple\"}"), json);
        var ok = assertInstanceOf(SnapshotDecoder.Result.Ok.class, SnapshotDecoder.decode(json));
        assertEquals(with, ok.snapshot());

        Snapshot without = withMatch(Optional.empty());
        assertFalse(SnapshotJson.toJson(without).contains("\"model\""));
        assertNotEquals(SnapshotJson.contentId(with), SnapshotJson.contentId(without));
        assertEquals(List.of(), SnapshotValidator.validate(with));
    }

    @Test
    void blankModelIsAViolation() {
        assertEquals(
                "/routes/0/rules/0/matches/0/model",
                SnapshotValidator.validate(withMatch(Optional.of(" ")))
                        .getFirst()
                        .path());
    }

    private static Snapshot withMatch(Optional<String> model) {
        String gw = Gateway.idOf("ns", "gw");
        var match = new Match(
                new PathMatch(PathMatch.Type.PATH_PREFIX, "/v1"), Optional.empty(), List.of(), List.of(), model);
        var rule = new Rule("modelroute/ns/r/rule/0", List.of(match), List.of(), List.of(), Timeouts.NONE);
        var route = new HttpRoute(
                "modelroute/ns/r",
                "ns",
                "r",
                "2026-01-01T00:00:00Z",
                List.of(),
                List.of(new ListenerRef(gw, "http")),
                List.of(rule));
        return new Snapshot(
                Snapshot.SCHEMA_VERSION,
                List.of(new Gateway(
                        gw,
                        "ns",
                        "gw",
                        List.of(),
                        List.of(new Listener("http", 8080, Listener.Protocol.HTTP, Optional.empty())))),
                List.of(route),
                List.of(),
                List.of(),
                1);
    }
}
