package io.infergate.controller.kube;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts the client's JSON (Gson trees) into the generic trees the decoders read: maps,
 * lists, strings, booleans, {@code Long} for integral numbers and {@code Double} for others. Two
 * trees built this way from equal JSON are {@code equals}, which the status writer relies on to
 * skip writes that change nothing.
 */
public final class Trees {

    private Trees() {}

    /** The tree of a JSON object. */
    public static Map<String, Object> of(JsonObject object) {
        Map<String, Object> out = new LinkedHashMap<>();
        object.entrySet().forEach(e -> out.put(e.getKey(), value(e.getValue())));
        return out;
    }

    /** The tree of any JSON text (object, array or scalar). */
    public static Object parse(String json) {
        return value(JsonParser.parseString(json));
    }

    /** The tree of any JSON value. */
    public static Object value(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (e.isJsonObject()) {
            return of(e.getAsJsonObject());
        }
        if (e.isJsonArray()) {
            JsonArray a = e.getAsJsonArray();
            List<Object> out = new ArrayList<>(a.size());
            a.forEach(x -> out.add(value(x)));
            return out;
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        if (p.isBoolean()) {
            return p.getAsBoolean();
        }
        if (p.isNumber()) {
            String text = p.getAsString();
            if (text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0) {
                try {
                    return Long.parseLong(text);
                } catch (NumberFormatException tooLarge) {
                    return p.getAsDouble();
                }
            }
            return p.getAsDouble();
        }
        return p.getAsString();
    }

    /** A child map, or null when absent or not a map. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Map<String, Object> tree, String field) {
        return tree != null && tree.get(field) instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    /** A child list, or an empty list when absent or not a list. */
    @SuppressWarnings("unchecked")
    public static List<Object> list(Map<String, Object> tree, String field) {
        return tree != null && tree.get(field) instanceof List<?> l ? (List<Object>) l : List.of();
    }

    /** A child string, or null when absent or not a string. */
    public static String string(Map<String, Object> tree, String field) {
        return tree != null && tree.get(field) instanceof String s ? s : null;
    }

    /** A deep copy whose maps and lists may be changed without touching the original. */
    @SuppressWarnings("unchecked")
    public static <T> T copy(T tree) {
        if (tree instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), copy(v)));
            return (T) out;
        }
        if (tree instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(v -> out.add(copy(v)));
            return (T) out;
        }
        return tree;
    }
}
