package io.infergate.controller.pickerservice;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What to write to turn {@code have} into {@code want}, compared by key and then whole: objects
 * only wanted are created, only had are deleted, and had but different are updated. Equal ones
 * are not written (a pass with nothing changed writes nothing).
 */
public record Changes<T>(List<T> create, List<T> update, List<T> delete) {
    public Changes {
        create = List.copyOf(create);
        update = List.copyOf(update);
        delete = List.copyOf(delete);
    }

    public static <T> Changes<T> between(List<T> want, List<T> have, Function<T, String> key) {
        Map<String, T> had = new LinkedHashMap<>();
        have.forEach(h -> had.put(key.apply(h), h));
        List<T> create = new ArrayList<>();
        List<T> update = new ArrayList<>();
        for (T w : want) {
            T h = had.remove(key.apply(w));
            if (h == null) {
                create.add(w);
            } else if (!h.equals(w)) {
                update.add(w);
            }
        }
        return new Changes<>(create, update, new ArrayList<>(had.values()));
    }

    public boolean none() {
        return create.isEmpty() && update.isEmpty() && delete.isEmpty();
    }
}
