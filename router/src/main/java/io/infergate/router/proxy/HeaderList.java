package io.infergate.router.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Headers in order, names kept as sent and compared case-insensitively: the working copy that
 * filters edit before it is written to the upstream request or the client response.
 */
final class HeaderList {

    private record Field(String name, String value) {}

    private final List<Field> fields = new ArrayList<>();

    /** Appends a value. */
    void add(String name, String value) {
        fields.add(new Field(name, value));
    }

    /** Replaces every value of the header by one. */
    void set(String name, String value) {
        remove(name);
        add(name, value);
    }

    /** Drops every value of the header. */
    void remove(String name) {
        fields.removeIf(f -> f.name().equalsIgnoreCase(name));
    }

    /** The first value, or null. */
    String first(String name) {
        for (Field f : fields) {
            if (f.name().equalsIgnoreCase(name)) {
                return f.value();
            }
        }
        return null;
    }

    /** How many fields. */
    int size() {
        return fields.size();
    }

    /** The name of field {@code i}, as sent. */
    String name(int i) {
        return fields.get(i).name();
    }

    /** The value of field {@code i}. */
    String value(int i) {
        return fields.get(i).value();
    }

    /** An independent copy. */
    HeaderList copy() {
        HeaderList out = new HeaderList();
        out.fields.addAll(fields);
        return out;
    }

    /** Visits every (name, value) in order. */
    void forEach(BiConsumer<String, String> each) {
        fields.forEach(f -> each.accept(f.name(), f.value()));
    }
}
