package io.infergate.conformance.inference;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The suite's manifests ({@code src/test/resources/inference/}): read, filled in, listed. */
final class Manifests {

    /** One object of a manifest: enough to delete it. */
    record Ref(String apiVersion, String kind, String namespace, String name) {}

    private Manifests() {}

    static String resource(String name) {
        try (var in = Manifests.class.getResourceAsStream("/inference/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no resource inference/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String substitute(String text, Map<String, String> values) {
        String out = text;
        for (Map.Entry<String, String> e : values.entrySet()) {
            out = out.replace(e.getKey(), e.getValue());
        }
        return out;
    }

    /** The objects of a manifest, in order. */
    @SuppressWarnings("unchecked")
    static List<Ref> objects(String yaml) {
        List<Ref> out = new ArrayList<>();
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
            if (doc instanceof Map<?, ?> m) {
                Map<String, Object> meta = (Map<String, Object>) m.get("metadata");
                out.add(new Ref(
                        (String) m.get("apiVersion"),
                        (String) m.get("kind"),
                        (String) meta.getOrDefault("namespace", "default"),
                        (String) meta.get("name")));
            }
        }
        return out;
    }
}
