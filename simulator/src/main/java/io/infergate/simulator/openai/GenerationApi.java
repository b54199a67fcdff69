package io.infergate.simulator.openai;

/** The two generation endpoints, with the object names OpenAI gives their responses. */
public enum GenerationApi {
    COMPLETIONS("/v1/completions", "text_completion", "text_completion", "cmpl-"),
    CHAT_COMPLETIONS("/v1/chat/completions", "chat.completion", "chat.completion.chunk", "chatcmpl-");

    private final String path;
    private final String object;
    private final String chunkObject;
    private final String idPrefix;

    GenerationApi(String path, String object, String chunkObject, String idPrefix) {
        this.path = path;
        this.object = object;
        this.chunkObject = chunkObject;
        this.idPrefix = idPrefix;
    }

    public String path() {
        return path;
    }

    String object() {
        return object;
    }

    String chunkObject() {
        return chunkObject;
    }

    String idPrefix() {
        return idPrefix;
    }
}
