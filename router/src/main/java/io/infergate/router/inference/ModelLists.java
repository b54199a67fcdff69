package io.infergate.router.inference;

import io.infergate.common.snapshot.ModelRewrite;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Merges the {@code GET /v1/models} answers of a pool's endpoints into one OpenAI model list.
 *
 * <p>Rules: entries are keyed by {@code id}; the first endpoint to list an id wins (endpoints in
 * snapshot order), so a model or LoRA adapter served by several pods appears once, with the fields
 * its server gave (vLLM's {@code root}, {@code parent}, ...). An answer that is not a model list is
 * ignored. Then every model name an InferenceModelRewrite rule matches exactly is added as an
 * alias, when the pool serves at least one of that rule's targets and no endpoint lists the name
 * itself: clients may send those names. The alias has {@code owned_by: "infergate"} and
 * {@code root} naming its first served target. Generic rules (no match) add nothing.
 */
public final class ModelLists {

    private ModelLists() {}

    /** The merged list as UTF-8 JSON. */
    public static byte[] merge(List<byte[]> answers, List<ModelRewrite> rules) {
        Map<String, JsonObject> byId = new LinkedHashMap<>();
        for (byte[] answer : answers) {
            Optional<JsonObject> list = OpenAiJson.object(answer, 0, answer.length);
            if (list.isEmpty() || !(list.get().get("data") instanceof JsonArray data)) {
                continue;
            }
            for (JsonValue v : data) {
                if (v instanceof JsonObject model && model.get("id") instanceof JsonString id) {
                    byId.putIfAbsent(id.getString(), model);
                }
            }
        }
        Map<String, JsonObject> aliases = new LinkedHashMap<>();
        for (ModelRewrite rule : rules) {
            Optional<JsonObject> served = rule.targets().stream()
                    .map(t -> byId.get(t.model()))
                    .filter(java.util.Objects::nonNull)
                    .findFirst();
            if (served.isEmpty()) {
                continue;
            }
            for (String alias : rule.models()) {
                if (!byId.containsKey(alias) && !aliases.containsKey(alias)) {
                    aliases.put(alias, alias(alias, served.get()));
                }
            }
        }
        JsonArrayBuilder data = OpenAiJson.BUILDERS.createArrayBuilder();
        byId.values().forEach(data::add);
        aliases.values().forEach(data::add);
        return OpenAiJson.write(OpenAiJson.BUILDERS
                .createObjectBuilder()
                .add("object", "list")
                .add("data", data)
                .build());
    }

    private static JsonObject alias(String alias, JsonObject target) {
        long created = target.get("created") instanceof JsonNumber n ? n.longValue() : 0;
        return OpenAiJson.BUILDERS
                .createObjectBuilder()
                .add("id", alias)
                .add("object", "model")
                .add("created", created)
                .add("owned_by", "infergate")
                .add("root", target.getString("id"))
                .addNull("parent")
                .build();
    }
}
