package io.infergate.controller.folder;

import io.infergate.controller.decode.DecodeException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Parses the text of a manifest file into object trees: multi-document YAML separated by
 * {@code ---}, empty documents skipped, {@code kind: List} expanded into its {@code items}.
 *
 * <p>Only plain data is built (SafeConstructor: no arbitrary types), aliases and document size are
 * bounded by SnakeYAML's defaults, so a hostile file costs little.
 */
final class ManifestReader {

    private ManifestReader() {}

    /**
     * @throws DecodeException when the text is not YAML or a document is not a mapping; the message
     *                         says where
     */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> parse(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Yaml yaml = new Yaml(new SafeConstructor(options));
        List<Map<String, Object>> out = new ArrayList<>();
        int index = 0;
        try {
            for (Object doc : yaml.loadAll(text)) {
                if (doc instanceof Map<?, ?> map) {
                    if ("List".equals(map.get("kind")) && map.get("items") instanceof List<?> items) {
                        for (Object item : items) {
                            if (!(item instanceof Map<?, ?>)) {
                                throw new DecodeException(
                                        "document " + index + ".items", "every item must be a mapping");
                            }
                            out.add((Map<String, Object>) item);
                        }
                    } else {
                        out.add((Map<String, Object>) map);
                    }
                } else if (doc != null) {
                    throw new DecodeException("document " + index, "is not a mapping");
                }
                index++;
            }
        } catch (YAMLException e) {
            throw new DecodeException("document " + index, "not valid YAML: " + oneLine(e.getMessage()));
        }
        return out;
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s+", " ").strip();
    }
}
