package io.infergate.bench.loadgen;

import java.util.List;

/**
 * What varies between the requests of a {@code mixed} workload (issue 17): prompt length, streaming
 * and the model. The other shapes send only long, streamed requests to the base model ({@link #NONE}).
 *
 * @param longShare         share of requests with the shared-prefix prompt (a group's system prompt +
 *                          a question); the others send only a question of {@code shortPromptTokens}
 * @param shortPromptTokens tokens of a short request's prompt (no shared prefix)
 * @param streamShare       share of streamed requests; the others ask for one JSON answer
 * @param adapters          LoRA adapter names; a request picks the base model or one adapter with
 *                          equal chances
 */
public record Mix(double longShare, int shortPromptTokens, double streamShare, List<String> adapters) {

    /** Every request long, streamed, to the base model. */
    public static final Mix NONE = new Mix(1, 1, 1, List.of());

    public Mix {
        adapters = List.copyOf(adapters);
        if (!(longShare >= 0 && longShare <= 1) || !(streamShare >= 0 && streamShare <= 1)) {
            throw new IllegalArgumentException("long-share and stream-share must be in [0, 1]");
        }
        if (shortPromptTokens < 1) {
            throw new IllegalArgumentException("short-prompt-tokens must be >= 1");
        }
        for (String a : adapters) {
            if (a.isBlank() || !a.chars().allMatch(c -> c > ' ' && c != '"' && c != '\\' && c < 127)) {
                throw new IllegalArgumentException("adapters: not a plain model name: '" + a + "'");
            }
        }
    }
}
