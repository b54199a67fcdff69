package io.infergate.controller.decode;

import io.infergate.controller.model.ModelRoute;
import io.infergate.controller.model.ModelServer;
import io.infergate.controller.model.ObjectMeta;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decodes Kthena's ModelServer and ModelRoute ({@code networking.serving.volcano.sh/v1alpha1}) with
 * the defaults and checks of Kthena's published CRDs (v1.0.0): engine {@code vLLM} or
 * {@code SGLang}, workload port 1..65535 with protocol {@code http} (default) or {@code https},
 * a model name or LoRA adapters, 1..16 targets per rule with weights 0..100 (default 100), and one
 * of exact, prefix or regex in a string match.
 */
final class KthenaDecoder {

    static final String API_VERSION = "networking.serving.volcano.sh/v1alpha1";

    private static final Set<String> ENGINES = Set.of("vLLM", "SGLang");
    /** A Go duration: a sequence of decimal numbers with units, e.g. {@code 10s}, {@code 1m30s}, {@code 1.5h}. */
    private static final Pattern GO_DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    private KthenaDecoder() {}

    static ModelServer modelServer(TreeNode root, ObjectMeta meta) {
        TreeNode spec = root.field("spec");
        String engine = spec.field("inferenceEngine").string();
        if (!ENGINES.contains(engine)) {
            throw new DecodeException(
                    spec.field("inferenceEngine").path(), "must be vLLM or SGLang, is '" + engine + "'");
        }
        TreeNode selector = spec.field("workloadSelector");
        if (selector.isMissing()) {
            throw new DecodeException(selector.path(), "is required");
        }
        Map<String, String> labels = selector.field("matchLabels").stringMap();
        if (labels.isEmpty()) {
            throw new DecodeException(
                    selector.field("matchLabels").path(), "must name at least one label (it would select every pod)");
        }
        TreeNode pd = selector.field("pdGroup");
        Optional<ModelServer.PdGroup> pdGroup = pd.isMissing()
                ? Optional.empty()
                : Optional.of(new ModelServer.PdGroup(
                        pd.field("groupKey").string(),
                        pd.field("prefillLabels").stringMap(),
                        pd.field("decodeLabels").stringMap()));
        TreeNode port = spec.field("workloadPort");
        int number = port.field("port")
                .optPort()
                .orElseThrow(() -> new DecodeException(port.field("port").path(), "is required"));
        String protocol = port.field("protocol").string("http");
        if (!protocol.equals("http") && !protocol.equals("https")) {
            throw new DecodeException(port.field("protocol").path(), "must be http or https, is '" + protocol + "'");
        }
        TreeNode traffic = spec.field("trafficPolicy");
        Optional<Duration> timeout = traffic.field("timeout")
                .optString()
                .map(t -> goDuration(t, traffic.field("timeout").path()));
        int retries = traffic.field("retry").field("attempts").optInt().orElse(0);
        return new ModelServer(
                meta,
                spec.field("model").optString().filter(m -> !m.isEmpty()),
                engine,
                labels,
                pdGroup,
                number,
                protocol,
                timeout,
                Math.max(0, retries),
                spec.field("kvConnector").field("type").optString());
    }

    static ModelRoute modelRoute(TreeNode root, ObjectMeta meta) {
        TreeNode spec = root.field("spec");
        Optional<String> modelName = spec.field("modelName").optString().filter(m -> !m.isEmpty());
        List<String> adapters = spec.field("loraAdapters").strings();
        if (modelName.isEmpty() && adapters.isEmpty()) {
            throw new DecodeException(spec.path(), "modelName and loraAdapters cannot both be empty");
        }
        List<TreeNode> ruleNodes = spec.field("rules").list();
        if (ruleNodes.isEmpty()) {
            throw new DecodeException(spec.field("rules").path(), "at least one rule is required");
        }
        List<ModelRoute.Rule> rules = new ArrayList<>();
        for (TreeNode r : ruleNodes) {
            rules.add(rule(r));
        }
        return new ModelRoute(
                meta,
                modelName,
                adapters,
                RouteDecoder.parentRefs(spec.field("parentRefs")),
                rules,
                !spec.field("rateLimit").isMissing());
    }

    private static ModelRoute.Rule rule(TreeNode r) {
        TreeNode match = r.field("modelMatch");
        List<ModelRoute.Header> headers = new ArrayList<>();
        if (match.field("headers").value() instanceof Map<?, ?> m) {
            for (Object name : m.keySet()) {
                String header = String.valueOf(name);
                headers.add(new ModelRoute.Header(
                        header, stringMatch(match.field("headers").field(header))));
            }
        } else if (!match.field("headers").isMissing()) {
            throw new DecodeException(match.field("headers").path(), "expected a map");
        }
        headers.sort(java.util.Comparator.comparing(ModelRoute.Header::name));
        Optional<ModelRoute.StringMatch> uri =
                match.field("uri").isMissing() ? Optional.empty() : Optional.of(stringMatch(match.field("uri")));
        List<TreeNode> targetNodes = r.field("targetModels").list();
        if (targetNodes.isEmpty() || targetNodes.size() > 16) {
            throw new DecodeException(r.field("targetModels").path(), "must have 1..16 targets");
        }
        List<ModelRoute.Target> targets = new ArrayList<>();
        for (TreeNode t : targetNodes) {
            int weight = t.field("weight").optInt().orElse(100);
            if (weight < 0 || weight > 100) {
                throw new DecodeException(t.field("weight").path(), "must be in 0..100, is " + weight);
            }
            targets.add(new ModelRoute.Target(t.field("modelServerName").string(), weight));
        }
        return new ModelRoute.Rule(
                r.field("name").string(""),
                headers,
                uri,
                match.field("body").field("model").optString(),
                targets);
    }

    private static ModelRoute.StringMatch stringMatch(TreeNode m) {
        List<ModelRoute.StringMatch> set = new ArrayList<>();
        m.field("exact")
                .optString()
                .ifPresent(v -> set.add(new ModelRoute.StringMatch(ModelRoute.StringMatch.Type.EXACT, v)));
        m.field("prefix")
                .optString()
                .ifPresent(v -> set.add(new ModelRoute.StringMatch(ModelRoute.StringMatch.Type.PREFIX, v)));
        m.field("regex")
                .optString()
                .ifPresent(v -> set.add(new ModelRoute.StringMatch(ModelRoute.StringMatch.Type.REGEX, v)));
        if (set.size() != 1) {
            throw new DecodeException(m.path(), "set exactly one of exact, prefix, regex");
        }
        return set.getFirst();
    }

    /** A Go {@code time.ParseDuration} text (as {@code metav1.Duration} holds it), non-negative. */
    static Duration goDuration(String text, String path) {
        Matcher m = GO_DURATION_PART.matcher(text.strip());
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            double value = Double.parseDouble(m.group(1));
            double nanosPerUnit = switch (m.group(2)) {
                case "ns" -> 1;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
            total = total.plusNanos(Math.round(value * nanosPerUnit));
            end = m.end();
        }
        if (end == 0 || end != text.strip().length()) {
            throw new DecodeException(path, "is not a duration like 10s or 1m30s: '" + text + "'");
        }
        return total;
    }
}
