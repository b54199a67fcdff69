package io.infergate.simulator.engine;

import java.util.Objects;
import java.util.Optional;

/**
 * A name a request may put in {@code model}: a base model, or a LoRA adapter on top of one.
 *
 * @param id     the name clients send
 * @param parent the base model of a LoRA adapter; empty for a base model
 */
public record ServedModel(String id, Optional<String> parent) {

    public ServedModel {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(parent, "parent");
    }

    public static ServedModel base(String id) {
        return new ServedModel(id, Optional.empty());
    }

    public static ServedModel lora(String id, String parent) {
        return new ServedModel(id, Optional.of(parent));
    }

    public boolean isLora() {
        return parent.isPresent();
    }
}
