package io.infergate.router.extproc;

import io.infergate.router.settings.Section;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How the router talks to endpoint pickers.
 *
 * @param timeout        the longest the request phase of one ext_proc stream may take (headers and
 *                       body sent, the picker's answer back); expiry is a picker failure, and the
 *                       pool's failure mode applies
 * @param tls            how the gRPC channel is secured
 * @param chunkBytes     the largest body chunk sent in one message (the reference picker writes at
 *                       most 62,000 bytes per chunk; we do the same)
 * @param caFile         with {@link Tls#VERIFIED}: the PEM file of the certificates the picker's
 *                       chain must lead to; empty: the JVM's trust store
 * @param healthInterval how often each picker's gRPC health is checked (a picker found unhealthy
 *                       is failed at once by its pool's failure mode, without a stream per request)
 * @param healthPort     where the health service is asked when the ext_proc port has none (the
 *                       Inference Extension's EPP serves it on 9003 by convention)
 */
public record PickerSettings(
        Duration timeout,
        Tls tls,
        int chunkBytes,
        Optional<Path> caFile,
        Duration healthInterval,
        int healthPort,
        Duration responseHeadersWait) {

    /** Channel security. */
    public enum Tls {
        /** TLS without certificate or hostname verification: the pickers' self-signed default. */
        INSECURE,
        /** TLS verified against {@code caFile} or the JVM's trust store, host name included. */
        VERIFIED,
        /** Plain HTTP/2 (h2c). */
        PLAINTEXT
    }

    /** The health service port of the Inference Extension's EPP. */
    public static final int EPP_HEALTH_PORT = 9003;

    /** With the JVM's trust store, health checked every second on the picker's port or 9003. */
    public PickerSettings(Duration timeout, Tls tls, int chunkBytes) {
        this(
                timeout,
                tls,
                chunkBytes,
                Optional.empty(),
                Duration.ofSeconds(1),
                EPP_HEALTH_PORT,
                atMostOneSecond(timeout));
    }

    /**
     * Defaults: 10 s, TLS without verification (as the reference pickers serve), 62,000-byte
     * chunks, health checked every second.
     */
    public static PickerSettings defaults() {
        return new PickerSettings(Duration.ofSeconds(10), Tls.INSECURE, 62_000);
    }

    /** The default response headers wait: 1 s, or the timeout if shorter. */
    private static Duration atMostOneSecond(Duration timeout) {
        return timeout.compareTo(Duration.ofSeconds(1)) < 0 ? timeout : Duration.ofSeconds(1);
    }

    /**
     * The longest the response headers wait for the picker's mutations: short, since the client's
     * response is held meanwhile; a picker slower than this leaves the headers unchanged.
     */
    public Duration responseTimeout() {
        return responseHeadersWait;
    }

    /** The deadline of one health check: the interval, at most 1 s. */
    public Duration healthTimeout() {
        return healthInterval.compareTo(Duration.ofSeconds(1)) < 0 ? healthInterval : Duration.ofSeconds(1);
    }

    /** A copy with another TLS mode and CA file. */
    public PickerSettings withTls(Tls mode, Optional<Path> ca) {
        return new PickerSettings(timeout, mode, chunkBytes, ca, healthInterval, healthPort, responseHeadersWait);
    }

    /** A copy with other health-check settings. */
    public PickerSettings withHealth(Duration interval, int port) {
        return new PickerSettings(timeout, tls, chunkBytes, caFile, interval, port, responseHeadersWait);
    }

    /**
     * Reads {@code router.endpoint-picker}: {@code timeout} (ISO-8601), {@code tls}
     * ({@code insecure} | {@code verified} | {@code plaintext}), {@code ca-file} (PEM, with
     * {@code verified}), {@code health-interval} (ISO-8601), {@code health-port},
     * {@code response-headers-wait} (ISO-8601, zero allowed); absent keys keep
     * {@link #defaults()}.
     */
    public static PickerSettings create(Section s) {
        PickerSettings d = defaults();
        Tls tls = d.tls();
        if (s.has("tls")) {
            String raw = s.string("tls", "insecure");
            tls = switch (raw.toLowerCase(Locale.ROOT)) {
                case "insecure" -> Tls.INSECURE;
                case "verified" -> Tls.VERIFIED;
                case "plaintext" -> Tls.PLAINTEXT;
                default ->
                    throw new IllegalArgumentException(
                            "'" + s.key("tls") + "' must be insecure, verified or plaintext, is '" + raw + "'");
            };
        }
        Optional<Path> ca = Optional.empty();
        if (s.has("ca-file")) {
            Path p = Path.of(s.string("ca-file", ""));
            if (tls != Tls.VERIFIED) {
                throw new IllegalArgumentException("'" + s.key("ca-file") + "' needs '" + s.key("tls") + ": verified'");
            }
            if (!Files.isReadable(p)) {
                throw new IllegalArgumentException("'" + s.key("ca-file") + "' is not a readable file: " + p);
            }
            ca = Optional.of(p);
        }
        int healthPort = s.integer("health-port", d.healthPort());
        return new PickerSettings(
                s.duration("timeout", d.timeout()),
                tls,
                d.chunkBytes(),
                ca,
                s.duration("health-interval", d.healthInterval()),
                healthPort,
                s.duration("response-headers-wait", atMostOneSecond(s.duration("timeout", d.timeout()))));
    }

    public PickerSettings {
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(caFile, "caFile");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("endpoint picker timeout must be positive");
        }
        if (chunkBytes < 1 || chunkBytes > 4 * 1024 * 1024) {
            throw new IllegalArgumentException("endpoint picker chunk size must be 1..4 MiB");
        }
        if (healthInterval.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("endpoint picker health-interval must be at least 100 ms");
        }
        Objects.requireNonNull(responseHeadersWait, "responseHeadersWait");
        if (responseHeadersWait.isNegative() || responseHeadersWait.compareTo(Duration.ofSeconds(10)) > 0) {
            throw new IllegalArgumentException("endpoint picker response-headers-wait must be 0..10 s");
        }
        if (healthPort < 1 || healthPort > 65535) {
            throw new IllegalArgumentException("endpoint picker health-port must be 1..65535");
        }
        if (caFile.isPresent() && tls != Tls.VERIFIED) {
            throw new IllegalArgumentException("endpoint picker ca-file needs tls: verified");
        }
    }
}
