package io.infergate.router.extproc;

import io.infergate.router.settings.Section;

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

    /**
     * The longest the response headers wait for the picker's mutations: short, since the client's
     * response is held meanwhile; a picker slower than this leaves the headers unchanged.
     */
    public Duration responseTimeout() {
        return timeout.compareTo(Duration.ofSeconds(1)) < 0 ? timeout : Duration.ofSeconds(1);
    }

    /**
     * Reads {@code router.endpoint-picker}: {@code timeout} (ISO-8601), {@code tls}
     * ({@code insecure} | {@code verified} | {@code plaintext}); absent keys keep {@link #defaults()}.
     */
    public static PickerSettings create(Section s) {
        PickerSettings d = defaults();
        Tls tls = d.tls();
        if (s.has("tls")) {
            String raw = s.string("tls", "insecure");
            tls = switch (raw.toLowerCase(java.util.Locale.ROOT)) {
                case "insecure" -> Tls.INSECURE;
                case "verified" -> Tls.VERIFIED;
                case "plaintext" -> Tls.PLAINTEXT;
                default ->
                    throw new IllegalArgumentException(
                            "'" + s.key("tls") + "' must be insecure, verified or plaintext, is '" + raw + "'");
            };
        }
        return new PickerSettings(s.duration("timeout", d.timeout()), tls, d.chunkBytes());
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
