package io.infergate.simulator.openai;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.infergate.simulator.engine.ModelCatalog;
import io.infergate.simulator.engine.ServedModel;
import io.infergate.simulator.http.JsonBodies;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;

/**
 * {@code GET /v1/models}: the OpenAI model list. LoRA adapters are listed too, with {@code parent}
 * naming their base model, as vLLM lists them; base models carry {@code parent: null}.
 */
final class ModelsHandler implements Handler {

    private final byte[] body;

    ModelsHandler(ModelCatalog catalog) {
        // The catalog is fixed for the pod's lifetime, so the list is rendered once.
        long created = System.currentTimeMillis() / 1000;
        JsonArrayBuilder data = JsonBodies.BUILDERS.createArrayBuilder();
        for (ServedModel model : catalog.all()) {
            JsonObjectBuilder entry = JsonBodies.BUILDERS
                    .createObjectBuilder()
                    .add("id", model.id())
                    .add("object", "model")
                    .add("created", created)
                    .add("owned_by", "infergate-simulator")
                    .add("root", model.parent().orElse(model.id()));
            model.parent().ifPresentOrElse(p -> entry.add("parent", p), () -> entry.addNull("parent"));
            data.add(entry);
        }
        body = JsonBodies.bytes(JsonBodies.BUILDERS
                .createObjectBuilder()
                .add("object", "list")
                .add("data", data)
                .build());
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, JsonBodies.CONTENT_TYPE);
        res.send(body);
    }
}
