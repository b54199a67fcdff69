package io.infergate.router.extproc;

import java.time.Duration;
import java.util.Objects;

/**
 * How the router talks to endpoint pickers.
 *
 * @param timeout     the longest the request phase of one ext_proc stream may take (headers and
 *                    body sent, the picker's answer back); expiry is a picker failure, and the
 *                    pool's failure mode applies
 * @param tls         how the gRPC channel is secured
 * @param chunkBytes  the largest body chunk sent in one message (the reference picker writes at
 *                    most 62,000 bytes per chunk; we do the same)
 */
public record PickerSettings(Duration timeout, Tls tls, int chunkBytes) {

    /** Channel security. */
    public enum Tls {
        /** TLS without certificate or hostname verification: the pickers' self-signed default. */
        INSECURE,
        /** TLS verified against the JVM's trust store. */
        VERIFIED,
        /** Plain HTTP/2 (h2c). */
        PLAINTEXT
    }

    /** Defaults: 10 s, TLS without verification (as the reference pickers serve), 62,000-byte chunks. */
    public static PickerSettings defaults() {
        return new PickerSettings(Duration.ofSeconds(10), Tls.INSECURE, 62_000);
    }

    public PickerSettings {
        Objects.requireNonNull(tls, "tls");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("endpoint picker timeout must be positive");
        }
        if (chunkBytes < 1 || chunkBytes > 4 * 1024 * 1024) {
            throw new IllegalArgumentException("endpoint picker chunk size must be 1..4 MiB");
        }
    }
}
