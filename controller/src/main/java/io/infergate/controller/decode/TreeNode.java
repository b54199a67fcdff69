package io.infergate.controller.decode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A value inside a generic object tree (maps, lists, scalars as SnakeYAML or a JSON parser produce
 * them) together with its path, so that every decoding error can say where it is.
 *
 * <p>Scalars are read leniently the way Kubernetes' own YAML handling would accept them: numbers
 * may be given as text, and booleans or numbers are accepted where text is expected (YAML turns
 * an unquoted {@code true} into a boolean). A YAML timestamp is read back as RFC 3339 text.
 */
record TreeNode(String path, Object value) {

    static TreeNode root(Object value) {
        return new TreeNode("", value);
    }

    boolean isMissing() {
        return value == null;
    }

    /** The child field; missing when this is not a map or has no such key. */
    TreeNode field(String name) {
        String p = path.isEmpty() ? name : path + "." + name;
        return new TreeNode(p, value instanceof Map<?, ?> m ? m.get(name) : null);
    }

    /** Follows a dotted path of fields. */
    TreeNode at(String dotted) {
        TreeNode n = this;
        for (String part : dotted.split("\\.")) {
            n = n.field(part);
        }
        return n;
    }

    // SnakeYAML hands an unquoted timestamp over as a java.util.Date; it is turned back into text
    @SuppressWarnings("JavaUtilDate")
    Optional<String> optString() {
        return switch (value) {
            case null -> Optional.empty();
            case String s -> Optional.of(s);
            case Number n -> Optional.of(n.toString());
            case Boolean b -> Optional.of(b.toString());
            case Date d -> Optional.of(Instant.ofEpochMilli(d.getTime()).toString());
            default -> throw new DecodeException(path, "expected a string");
        };
    }

    String string() {
        return optString().orElseThrow(() -> new DecodeException(path, "is required"));
    }

    String string(String fallback) {
        return optString().orElse(fallback);
    }

    Optional<Long> optLong() {
        return switch (value) {
            case null -> Optional.empty();
            case Integer i -> Optional.of(i.longValue());
            case Long l -> Optional.of(l);
            case java.math.BigInteger b -> Optional.of(b.longValueExact());
            case String s -> {
                try {
                    yield Optional.of(Long.parseLong(s.strip()));
                } catch (NumberFormatException e) {
                    throw new DecodeException(path, "expected an integer, got '" + s + "'");
                }
            }
            default -> throw new DecodeException(path, "expected an integer");
        };
    }

    Optional<Integer> optInt() {
        return optLong().map(l -> {
            if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
                throw new DecodeException(path, "integer out of range: " + l);
            }
            return l.intValue();
        });
    }

    int integer() {
        return optInt().orElseThrow(() -> new DecodeException(path, "is required"));
    }

    /** A port number, 1..65535. */
    Optional<Integer> optPort() {
        return optInt().map(p -> {
            if (p < 1 || p > 65535) {
                throw new DecodeException(path, "port must be in 1..65535, is " + p);
            }
            return p;
        });
    }

    /** The elements of a list; a missing value is an empty list. */
    List<TreeNode> list() {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> l)) {
            throw new DecodeException(path, "expected a list");
        }
        List<TreeNode> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            out.add(new TreeNode(path + "[" + i + "]", l.get(i)));
        }
        return out;
    }

    List<String> strings() {
        return list().stream().map(TreeNode::string).toList();
    }

    /** A map of strings (labels, annotations, selectors); a missing value is an empty map. */
    Map<String, String> stringMap() {
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> m)) {
            throw new DecodeException(path, "expected a map");
        }
        Map<String, String> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), new TreeNode(path + "." + k, v).string("")));
        return out;
    }
}
