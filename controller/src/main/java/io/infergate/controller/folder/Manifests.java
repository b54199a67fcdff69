package io.infergate.controller.folder;

import io.infergate.controller.decode.DecodeException;
import io.infergate.controller.decode.Decoded;
import io.infergate.controller.decode.ObjectDecoder;
import io.infergate.controller.model.ClusterState;
import io.infergate.controller.model.KubeObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads manifest text (one or more YAML documents) into a ClusterState, with the manifest folder's
 * rules for stand-in creation timestamps (the n-th object gets the epoch plus n seconds) and
 * duplicates (the first wins). For tools and tests; the folder source adds file watching and
 * last-good handling on top.
 */
public final class Manifests {

    private Manifests() {}

    /**
     * What the text holds.
     *
     * @param problems one line per document that does not decode or repeats an object; empty when clean
     */
    public record Result(ClusterState state, List<String> problems) {
        public Result {
            problems = List.copyOf(problems);
        }
    }

    /**
     * Reads every object of a manifest text, collecting the problems of the ones it cannot use.
     *
     * @throws DecodeException when the text is not YAML
     */
    public static Result read(String text) {
        List<String> problems = new ArrayList<>();
        Map<String, KubeObject> objects = new LinkedHashMap<>();
        int ordinal = 0;
        for (Map<String, Object> tree : ManifestReader.parse(text)) {
            switch (ObjectDecoder.decode(
                    tree, Instant.EPOCH.plusSeconds(ordinal++).toString())) {
                case Decoded.Ok ok -> {
                    if (objects.putIfAbsent(ok.object().key(), ok.object()) != null) {
                        problems.add(ok.object().key() + " is defined more than once");
                    }
                }
                case Decoded.Unknown u -> problems.add("unknown kind " + u.apiVersion() + " " + u.kind());
                case Decoded.Invalid bad -> problems.add(bad.key() + ": " + bad.reason());
            }
        }
        return new Result(ClusterState.of(List.copyOf(objects.values())), problems);
    }
}
