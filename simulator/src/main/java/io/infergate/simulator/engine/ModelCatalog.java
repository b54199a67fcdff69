package io.infergate.simulator.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The models one pod serves. LoRA adapters all sit on the first base model, as in a vLLM pod
 * started with {@code --enable-lora}, which serves one base model.
 */
public final class ModelCatalog {

    private final Map<String, ServedModel> byId = new LinkedHashMap<>();
    private final String primary;

    public ModelCatalog(List<String> baseModels, List<String> loraAdapters) {
        if (baseModels.isEmpty()) {
            throw new IllegalArgumentException("at least one base model is required");
        }
        primary = baseModels.getFirst();
        baseModels.forEach(m -> byId.put(m, ServedModel.base(m)));
        loraAdapters.forEach(a -> byId.put(a, ServedModel.lora(a, primary)));
    }

    /** The model a request names, if this pod serves it (exact, case-sensitive match as in vLLM). */
    public Optional<ServedModel> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** Base models first, then adapters, each in configuration order. */
    public List<ServedModel> all() {
        return new ArrayList<>(byId.values());
    }

    /** The first base model: vLLM labels every metric series with it ({@code model_name}). */
    public String primary() {
        return primary;
    }
}
