package io.infergate.controller.translate;

import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.HttpRoute;
import io.infergate.controller.folder.Manifests;
import io.infergate.controller.status.Condition;
import io.infergate.controller.status.ConditionStatus;
import io.infergate.controller.status.ObjectStatus;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/examples/kthena (what {@code ./infergate local --manifests docs/examples/kthena} serves and
 * docs/kthena.md points to) stays valid: it decodes without problems and serves the ModelRoute on
 * the Gateway, to the three simulated pods.
 */
class KthenaExampleTest {

    @Test
    void theDocumentedExampleIsServed() throws IOException {
        List<String> docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("../docs/examples/kthena"))) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                docs.add(Files.readString(f, StandardCharsets.UTF_8));
            }
        }
        Manifests.Result read = Manifests.read(String.join("\n---\n", docs));
        assertEquals(List.of(), read.problems());
        Translation t = Translator.translate(
                read.state(), new TranslatorConfig(TranslatorConfig.DEFAULT_CONTROLLER_NAME, List.of("127.0.0.1")));
        HttpRoute route = t.snapshot().routes().stream()
                .filter(r -> r.id().equals("modelroute/default/demo"))
                .findFirst()
                .orElseThrow(() -> new AssertionError(t.snapshot().routes().toString()));
        assertEquals(
                "gateway/default/kthena-gateway", route.parents().getFirst().gateway());
        Backend server = t.snapshot().backends().getFirst();
        assertEquals("modelserver/default/demo-backend1", server.id());
        assertEquals(3, server.endpoints().size());
        List<Condition> conditions = t.plan().entries().stream()
                .filter(e -> e.status() instanceof ObjectStatus.EventStatus)
                .flatMap(e -> ((ObjectStatus.EventStatus) e.status()).conditions().stream())
                .toList();
        assertEquals(3, conditions.size(), conditions.toString());
        assertTrue(conditions.stream().allMatch(c -> c.status() == ConditionStatus.TRUE), conditions.toString());
    }
}
