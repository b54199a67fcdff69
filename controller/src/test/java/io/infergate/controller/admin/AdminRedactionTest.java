package io.infergate.controller.admin;

import io.infergate.common.snapshot.Certificate;
import io.infergate.common.snapshot.Snapshot;
import io.infergate.common.snapshot.SnapshotJson;
import io.infergate.common.tls.Issuer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

/** GET /snapshot never shows a private key: the admin socket is for people, not for secrets. */
class AdminRedactionTest {

    @Test
    void privateKeysAreReplacedAndEverythingElseKept() {
        Issuer.Issued ca = Issuer.ca("ca", Issuer.KeyType.EC_P256, Duration.ofDays(1));
        Issuer.Issued leaf = Issuer.leaf(ca, List.of("a.example.com"), Issuer.KeyType.EC_P256, Duration.ofDays(1));
        Snapshot s = new Snapshot(
                Snapshot.SCHEMA_VERSION,
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                1,
                List.of(new Certificate("secret/a/b", leaf.certificatePem(), leaf.privateKeyPem())));
        String json = SnapshotJson.toJson(s);
        JsonObject shown = AdminServer.redacted(read(json));
        JsonObject cert = shown.getJsonArray("certificates").getJsonObject(0);
        assertEquals("<redacted>", cert.getString("privateKey"));
        assertEquals(leaf.certificatePem(), cert.getString("certificateChain"));
        assertEquals(read(json).getString("id"), shown.getString("id"));
        assertFalse(shown.toString().contains("PRIVATE KEY"));
        JsonObject plain = read(SnapshotJson.toJson(Snapshot.empty()));
        assertSame(plain, AdminServer.redacted(plain));
        assertFalse(s.toString().contains("PRIVATE"), "a snapshot's toString never shows keys");
    }

    @Test
    void externalProviderKeysAreReplaced() {
        Snapshot s = new Snapshot(
                Snapshot.SCHEMA_VERSION,
                List.of(),
                List.of(),
                List.of(new io.infergate.common.snapshot.Backend.External(
                        "externalprovider/a/p", "a", "p", "https://api.example.com/v1", List.of(), "sk-secret-value")),
                List.of(),
                1,
                List.of());
        String json = SnapshotJson.toJson(s);
        JsonObject shown = AdminServer.redacted(read(json));
        assertEquals(
                "<redacted>", shown.getJsonArray("backends").getJsonObject(0).getString("apiKey"));
        assertEquals(
                "https://api.example.com/v1",
                shown.getJsonArray("backends").getJsonObject(0).getString("baseUrl"));
        assertFalse(shown.toString().contains("sk-secret-value"));
        assertFalse(s.toString().contains("sk-secret-value"), "a snapshot's toString never shows keys");
    }

    private static JsonObject read(String json) {
        try (var r = Json.createReader(new StringReader(json))) {
            return r.readObject();
        }
    }
}
