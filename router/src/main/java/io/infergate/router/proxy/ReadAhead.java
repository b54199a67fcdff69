package io.infergate.router.proxy;

import io.helidon.webserver.http.ServerRequest;
import io.infergate.common.http.ClientBody;
import io.infergate.router.inference.OpenAiParser;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The {@code model} of an inference request, read from its body when the matcher first asks for
 * it: only a listener with a model condition (a Kthena ModelRoute, docs/adr/0029-kthena-objects.md)
 * asks, so every other request keeps streaming its body unread. The body is read once, bounded by
 * the maximum body size, and the bytes are kept for the upstream request. Not thread-safe: one
 * request's virtual thread uses it.
 */
final class ReadAhead implements Supplier<Optional<String>> {

    private final ServerRequest req;
    private final long maxBodyBytes;
    private final boolean inference;
    private byte[] bytes;
    private boolean tooLarge;
    private Optional<String> model = Optional.empty();

    /**
     * @param inference whether the request is an inference request ({@code POST /v1/completions} or
     *                  {@code /v1/chat/completions}); other requests name no model and are never read
     */
    ReadAhead(ServerRequest req, long maxBodyBytes, boolean inference) {
        this.req = req;
        this.maxBodyBytes = maxBodyBytes;
        this.inference = inference;
    }

    @Override
    public Optional<String> get() {
        if (!inference || tooLarge) {
            return Optional.empty();
        }
        if (bytes == null) {
            read();
        }
        return model;
    }

    /** The bytes read so far: present once the matcher asked for the model of an acceptable body. */
    Optional<byte[]> bytes() {
        return Optional.ofNullable(bytes);
    }

    /** Whether the body exceeded the maximum size while it was read (the request gets 413). */
    boolean tooLarge() {
        return tooLarge;
    }

    private void read() {
        try (InputStream in = ClientBody.of(req)) {
            byte[] read = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
            if (read.length > maxBodyBytes) {
                tooLarge = true;
                return;
            }
            bytes = read;
            if (OpenAiParser.parse(read) instanceof OpenAiParser.Result.Ok ok) {
                model = Optional.of(ok.request().model());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
