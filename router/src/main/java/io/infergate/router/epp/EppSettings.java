package io.infergate.router.epp;

import io.infergate.router.settings.Section;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The endpoint picker the router serves (docs/adr/0025), read from {@code router.picker}.
 *
 * @param enabled         whether the ext_proc and health ports are opened at all (off by default)
 * @param host            the address both ports bind ({@code 0.0.0.0}: every interface, as gateways
 *                        in other pods connect to it)
 * @param port            the ext_proc port (9002, the reference picker's); 0 picks a free one (tests)
 * @param healthPort      the plaintext gRPC health port (9003); 0 picks a free one (tests)
 * @param tls             {@code SELF_SIGNED} (default, as the reference picker), {@code FILES}
 *                        ({@code cert-file} and {@code key-file}, PEM) or {@code PLAINTEXT} (h2c)
 * @param certFile        the certificate chain, with {@code FILES}
 * @param keyFile         the PKCS#8 private key, with {@code FILES}
 * @param pool            the one pool served, {@code namespace/name}; empty: the pool is found per
 *                        request (subset hint, or the only pool that names a picker)
 * @param maxStreams      ext_proc streams open at once; beyond, new streams fail RESOURCE_EXHAUSTED
 * @param maxMessageBytes the largest gRPC message accepted
 * @param maxBodyBytes    the largest request body read (413 beyond)
 * @param bodyTimeout     headers to the end of the body; a gateway slower than this is cut off
 */
public record EppSettings(
        boolean enabled,
        String host,
        int port,
        int healthPort,
        Tls tls,
        Optional<Path> certFile,
        Optional<Path> keyFile,
        Optional<String> pool,
        int maxStreams,
        int maxMessageBytes,
        long maxBodyBytes,
        Duration bodyTimeout) {

    /** How the ext_proc port is secured. */
    public enum Tls {
        SELF_SIGNED,
        FILES,
        PLAINTEXT
    }

    public EppSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(bodyTimeout, "bodyTimeout");
        if (port < 0 || port > 65535 || healthPort < 0 || healthPort > 65535) {
            throw new IllegalArgumentException("picker port and health-port must be 0..65535");
        }
        if (port != 0 && port == healthPort) {
            throw new IllegalArgumentException("picker port and health-port must differ");
        }
        if ((tls == Tls.FILES) != (certFile.isPresent() && keyFile.isPresent())) {
            throw new IllegalArgumentException("picker cert-file and key-file are given together, with tls: files");
        }
        if (pool.isPresent() && !pool.get().matches("[^/\\s]+/[^/\\s]+")) {
            throw new IllegalArgumentException("picker pool must be namespace/name, is '" + pool.get() + "'");
        }
        if (maxStreams < 1 || maxStreams > 1_000_000) {
            throw new IllegalArgumentException("picker max-streams must be 1..1000000");
        }
        if (maxMessageBytes < 64 * 1024 || maxMessageBytes > 64 * 1024 * 1024) {
            throw new IllegalArgumentException("picker max-message-bytes must be 64 KiB..64 MiB");
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("picker max-body-bytes must be at least 1 KiB");
        }
        if (bodyTimeout.isNegative() || bodyTimeout.isZero()) {
            throw new IllegalArgumentException("picker body-timeout must be positive");
        }
    }

    /** Off; when switched on: 9002 with a self-signed certificate, health on 9003. */
    public static EppSettings defaults() {
        return new EppSettings(
                false,
                "0.0.0.0",
                9002,
                9003,
                Tls.SELF_SIGNED,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                4096,
                4 * 1024 * 1024,
                16L * 1024 * 1024,
                Duration.ofSeconds(30));
    }

    /** On, on loopback with free ports (tests). */
    public static EppSettings loopback(Tls tls) {
        EppSettings d = defaults();
        return new EppSettings(
                true,
                "127.0.0.1",
                0,
                0,
                tls,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                d.maxStreams(),
                d.maxMessageBytes(),
                d.maxBodyBytes(),
                d.bodyTimeout());
    }

    /** A copy with another stream bound. */
    public EppSettings withMaxStreams(int streams) {
        return new EppSettings(
                enabled,
                host,
                port,
                healthPort,
                tls,
                certFile,
                keyFile,
                pool,
                streams,
                maxMessageBytes,
                maxBodyBytes,
                bodyTimeout);
    }

    /**
     * Reads {@code router.picker}: {@code enabled}, {@code host}, {@code port}, {@code health-port},
     * {@code tls} ({@code self-signed} | {@code files} | {@code plaintext}), {@code cert-file},
     * {@code key-file}, {@code pool} ({@code namespace/name}), {@code max-streams},
     * {@code max-message-bytes}, {@code max-body-bytes}, {@code body-timeout} (ISO-8601); absent
     * keys keep {@link #defaults()}.
     */
    public static EppSettings create(Section s) {
        EppSettings d = defaults();
        Tls tls = d.tls();
        if (s.has("tls")) {
            String raw = s.string("tls", "self-signed");
            tls = switch (raw.toLowerCase(Locale.ROOT)) {
                case "self-signed" -> Tls.SELF_SIGNED;
                case "files" -> Tls.FILES;
                case "plaintext" -> Tls.PLAINTEXT;
                default ->
                    throw new IllegalArgumentException(
                            "'" + s.key("tls") + "' must be self-signed, files or plaintext, is '" + raw + "'");
            };
        }
        return new EppSettings(
                s.bool("enabled", d.enabled()),
                s.has("host") ? s.string("host", d.host()) : d.host(),
                s.integer("port", d.port()),
                s.integer("health-port", d.healthPort()),
                tls,
                readable(s, "cert-file"),
                readable(s, "key-file"),
                s.has("pool") ? Optional.of(s.string("pool", "")) : Optional.empty(),
                s.integer("max-streams", d.maxStreams()),
                (int) Math.min(Integer.MAX_VALUE, s.bytes("max-message-bytes", d.maxMessageBytes())),
                s.bytes("max-body-bytes", d.maxBodyBytes()),
                s.duration("body-timeout", d.bodyTimeout()));
    }

    private static Optional<Path> readable(Section s, String key) {
        if (!s.has(key)) {
            return Optional.empty();
        }
        Path p = Path.of(s.string(key, ""));
        if (!Files.isReadable(p)) {
            throw new IllegalArgumentException("'" + s.key(key) + "' is not a readable file: " + p);
        }
        return Optional.of(p);
    }
}
