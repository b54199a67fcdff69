package io.infergate.router.disagg;

import io.infergate.router.schedule.endpoint.Target;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A pool's endpoints split by role, from the label {@value #ROLE} (llm-d's convention; the
 * controller sets it for Kthena ModelServers with a {@code pdGroup}): {@code prefill},
 * {@code decode}, or {@code both} (eligible for either phase). A pool is served disaggregated
 * only when it has at least one endpoint for each phase and at least one of them is labelled
 * {@code prefill} or {@code decode}; a pool without role labels (or with only one role present)
 * is served as usual, so labelling pods one at a time never breaks a pool.
 *
 * @param prefill the endpoints a prompt may be prefilled on, in pool order
 * @param decode  the endpoints that may decode, in pool order
 */
public record PdSplit(List<Target> prefill, List<Target> decode) {

    /** The endpoint label naming the role. */
    public static final String ROLE = "llm-d.ai/role";
    /**
     * The endpoint label naming a prefill/decode group (Kthena's {@code pdGroup.groupKey}): a
     * prefill endpoint with a group hands over only to decode endpoints of the same group.
     */
    public static final String GROUP = "infergate.io/pd-group";

    public PdSplit {
        prefill = List.copyOf(prefill);
        decode = List.copyOf(decode);
    }

    /**
     * The decode endpoints that may take over from {@code prefilled}: those of its group when it
     * has one, else all.
     */
    public List<Target> decodeFor(Target prefilled) {
        String group = prefilled.endpoint().labels().get(GROUP);
        return group == null
                ? decode
                : decode.stream()
                        .filter(t -> group.equals(t.endpoint().labels().get(GROUP)))
                        .toList();
    }

    /** The split of {@code endpoints}, or empty when the pool is not disaggregated. */
    public static Optional<PdSplit> of(List<Target> endpoints) {
        List<Target> prefill = new ArrayList<>();
        List<Target> decode = new ArrayList<>();
        boolean specific = false;
        for (Target t : endpoints) {
            String role = t.endpoint().labels().get(ROLE);
            if (role == null) {
                continue;
            }
            switch (role) {
                case "prefill" -> {
                    prefill.add(t);
                    specific = true;
                }
                case "decode" -> {
                    decode.add(t);
                    specific = true;
                }
                case "both" -> {
                    prefill.add(t);
                    decode.add(t);
                }
                default -> {} // an unknown role serves neither phase of a disaggregated request
            }
        }
        return specific && !prefill.isEmpty() && !decode.isEmpty()
                ? Optional.of(new PdSplit(prefill, decode))
                : Optional.empty();
    }
}
