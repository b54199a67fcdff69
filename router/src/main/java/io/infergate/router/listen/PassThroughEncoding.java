package io.infergate.router.listen;

import io.helidon.http.encoding.ContentDecoder;
import io.helidon.http.encoding.ContentEncoder;
import io.helidon.http.encoding.ContentEncoding;
import io.helidon.http.encoding.ContentEncodingContext;

import java.util.Set;

/**
 * Lets compressed request bodies through untouched. Helidon rejects a request carrying
 * {@code Content-Encoding} when it has no decoder for it; a proxy must not decode (the backend
 * does), so the common encodings are declared with a no-op decoder and the body is forwarded as
 * received, with its header. No encoder is declared, so responses are never re-compressed.
 */
final class PassThroughEncoding implements ContentEncoding {

    private static final Set<String> IDS = Set.of("gzip", "x-gzip", "deflate", "br", "zstd", "compress");

    private PassThroughEncoding() {}

    /** The encoding context for public sockets. */
    static ContentEncodingContext context() {
        return ContentEncodingContext.builder()
                .contentEncodingsDiscoverServices(false)
                .addContentEncoding(new PassThroughEncoding())
                .build();
    }

    @Override
    public Set<String> ids() {
        return IDS;
    }

    @Override
    public boolean supportsEncoding() {
        return false;
    }

    @Override
    public boolean supportsDecoding() {
        return true;
    }

    @Override
    public ContentDecoder decoder() {
        return ContentDecoder.NO_OP;
    }

    @Override
    public ContentEncoder encoder() {
        return ContentEncoder.NO_OP;
    }

    @Override
    public String name() {
        return "pass-through";
    }

    @Override
    public String type() {
        return "pass-through";
    }
}
