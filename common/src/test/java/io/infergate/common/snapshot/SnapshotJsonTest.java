package io.infergate.common.snapshot;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The wire format is a contract between two deployables that may run different versions during a
 * rollout: the golden file pins it. Regenerate with {@code -Dgolden.update=true} only for an
 * intended format change (and then think about the schema version).
 */
class SnapshotJsonTest {

    private static final Path GOLDEN = Path.of("src/test/resources/snapshot/full.golden.json");

    @Test
    void encodingMatchesGolden() throws IOException {
        String json = pretty(SnapshotJson.toJson(Samples.full()));
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(GOLDEN, json, StandardCharsets.UTF_8);
        }
        assertEquals(
                Files.readString(GOLDEN, StandardCharsets.UTF_8),
                json,
                "snapshot wire format changed; rerun with -Dgolden.update=true if intended");
    }

    @Test
    void goldenDecodesToTheSameRecords() throws IOException {
        var result = SnapshotDecoder.decode(Files.readString(GOLDEN, StandardCharsets.UTF_8));
        var ok = assertInstanceOf(SnapshotDecoder.Result.Ok.class, result, () -> result.toString());
        assertEquals(Samples.full(), ok.snapshot());
        assertEquals(SnapshotJson.contentId(Samples.full()), ok.id());
    }

    @Test
    void roundTripIsIdentity() {
        Snapshot s = Samples.full();
        var ok = assertInstanceOf(SnapshotDecoder.Result.Ok.class, SnapshotDecoder.decode(SnapshotJson.toJson(s)));
        assertEquals(s, ok.snapshot());
        assertEquals(SnapshotJson.toJson(s), SnapshotJson.toJson(ok.snapshot()));
    }

    @Test
    void contentIdDependsOnContentOnly() {
        assertEquals(SnapshotJson.contentId(Samples.full()), SnapshotJson.contentId(Samples.full()));
        assertNotEquals(SnapshotJson.contentId(Samples.full()), SnapshotJson.contentId(Snapshot.empty()));
        assertTrue(SnapshotJson.contentId(Snapshot.empty()).matches("sha256:[0-9a-f]{64}"));
    }

    @Test
    void alteredContentIsRejectedByItsId() {
        String json = SnapshotJson.toJson(Samples.full()).replace("\"priority\":10", "\"priority\":11");
        var invalid = assertInstanceOf(SnapshotDecoder.Result.Invalid.class, SnapshotDecoder.decode(json));
        assertEquals("/id", invalid.violations().getFirst().path());
    }

    @Test
    void everyValidSampleHasNoViolations() {
        assertEquals(List.of(), SnapshotValidator.validate(Samples.full()));
        assertEquals(List.of(), SnapshotValidator.validate(Snapshot.empty()));
    }

    @Test
    void oneRouterOmitsTheFieldSoOlderIdsStay() {
        Snapshot one = Samples.full().withRouters(1);
        assertFalse(SnapshotJson.toJson(one).contains("\"routers\""));
        assertTrue(SnapshotJson.toJson(Samples.full()).contains("\"routers\":3"));
        assertNotEquals(SnapshotJson.contentId(one), SnapshotJson.contentId(Samples.full()));
        // What an older controller wrote (no field) decodes as one router, with the same id.
        String old = SnapshotJson.toJson(one);
        var ok = assertInstanceOf(SnapshotDecoder.Result.Ok.class, SnapshotDecoder.decode(old));
        assertEquals(1, ok.snapshot().routers());
        assertEquals(SnapshotJson.contentId(one), ok.id());
    }

    @Test
    void listenerPublicPortRoundTripsAndIsOmittedWhenItIsTheSocketPort() {
        Listener remapped = new Listener("http", 20417, Listener.Protocol.HTTP, Optional.empty(), Optional.of(80));
        Listener plain = new Listener("http", 8080, Listener.Protocol.HTTP, Optional.empty());
        Listener same = new Listener("http", 8080, Listener.Protocol.HTTP, Optional.empty(), Optional.of(8080));
        assertEquals(80, remapped.clientPort());
        assertEquals(8080, plain.clientPort());
        assertEquals(plain, same, "a public port equal to the socket port is no public port");

        Snapshot withRemapped = withListener(remapped);
        String json = SnapshotJson.toJson(withRemapped);
        assertTrue(json.contains("{\"name\":\"http\",\"port\":20417,\"protocol\":\"HTTP\",\"publicPort\":80}"), json);
        var ok = assertInstanceOf(SnapshotDecoder.Result.Ok.class, SnapshotDecoder.decode(json));
        assertEquals(withRemapped, ok.snapshot());
        assertEquals(
                Optional.of(80),
                ok.snapshot().gateways().getFirst().listeners().getFirst().publicPort());

        // What an older controller wrote (no field) still decodes, to the socket port, with the same id.
        String old = SnapshotJson.toJson(withListener(plain));
        assertFalse(old.contains("publicPort"));
        var oldOk = assertInstanceOf(SnapshotDecoder.Result.Ok.class, SnapshotDecoder.decode(old));
        assertEquals(
                Optional.empty(),
                oldOk.snapshot().gateways().getFirst().listeners().getFirst().publicPort());
        assertEquals(SnapshotJson.contentId(withListener(plain)), oldOk.id());
        assertEquals(SnapshotJson.contentId(withListener(plain)), SnapshotJson.contentId(withListener(same)));
        assertNotEquals(
                SnapshotJson.contentId(withListener(plain)),
                SnapshotJson.contentId(withListener(
                        new Listener("http", 8080, Listener.Protocol.HTTP, Optional.empty(), Optional.of(80)))));
    }

    private static Snapshot withListener(Listener listener) {
        return new Snapshot(
                Snapshot.SCHEMA_VERSION,
                List.of(new Gateway(Gateway.idOf("ns", "gw"), "ns", "gw", List.of(), List.of(listener))),
                List.of(),
                List.of(),
                List.of(),
                1);
    }

    @Test
    void routerCountBelowOneIsAViolation() {
        assertEquals(
                "/routers",
                SnapshotValidator.validate(Samples.full().withRouters(0))
                        .getFirst()
                        .path());
        String json = SnapshotJson.toJson(Snapshot.empty())
                .replaceFirst("\"id\":\"sha256:[0-9a-f]+\",", "")
                .replace("\"objectives\":[]", "\"objectives\":[],\"routers\":\"three\"");
        var invalid = assertInstanceOf(SnapshotDecoder.Result.Invalid.class, SnapshotDecoder.decode(json));
        assertEquals("/routers", invalid.violations().getFirst().path());
    }

    /** Two-space indentation so that golden diffs are readable; parsing ignores whitespace. */
    static String pretty(String json) {
        var config = java.util.Map.of(jakarta.json.stream.JsonGenerator.PRETTY_PRINTING, true);
        var writerFactory = jakarta.json.Json.createWriterFactory(config);
        var out = new java.io.StringWriter();
        try (var reader = jakarta.json.Json.createReader(new java.io.StringReader(json));
                var writer = writerFactory.createWriter(out)) {
            writer.write(reader.read());
        }
        return out.toString().strip() + "\n";
    }
}
