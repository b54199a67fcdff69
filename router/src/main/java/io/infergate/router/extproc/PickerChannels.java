package io.infergate.router.extproc;

import io.grpc.ManagedChannel;
import io.grpc.okhttp.OkHttpChannelBuilder;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One gRPC channel per picker address ({@code host:port}), made on first use and reused by every
 * request (a channel multiplexes streams over one HTTP/2 connection and reconnects by itself).
 */
final class PickerChannels implements AutoCloseable {

    private final PickerSettings settings;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final Map<String, Long> lastReset = new ConcurrentHashMap<>();

    PickerChannels(PickerSettings settings) {
        this.settings = settings;
    }

    ManagedChannel channel(String host, int port) {
        return channels.computeIfAbsent(host + ":" + port, k -> open(host, port, settings.tls()));
    }

    /**
     * A plaintext channel to {@code host:port}, for the separate health port of a picker (the
     * Inference Extension's EPP serves its health service without TLS on 9003).
     */
    ManagedChannel plaintext(String host, int port) {
        return channels.computeIfAbsent(
                "h2c/" + host + ":" + port, k -> open(host, port, PickerSettings.Tls.PLAINTEXT));
    }

    /**
     * Shuts down every channel except those to the pickers {@code keep} names ({@code host:port})
     * and their plaintext health ports: a picker no served pool names any more (its pool deleted,
     * or pointed elsewhere) must not keep a channel that resolves and reconnects forever (a
     * deleted pool's Service name logged "Failed to resolve name" every few seconds). Calls in
     * flight on a shut-down channel finish; new ones would open a new channel.
     *
     * @return the {@code host:port} of the pickers whose channels were shut down
     */
    java.util.Set<String> retainOnly(java.util.Set<String> keep) {
        java.util.Set<String> keys = new java.util.HashSet<>(keep);
        for (String k : keep) {
            keys.add("h2c/" + k.substring(0, k.lastIndexOf(':')) + ":" + settings.healthPort());
        }
        java.util.Set<String> retired = new java.util.TreeSet<>();
        for (String key : java.util.List.copyOf(channels.keySet())) {
            if (!keys.contains(key)) {
                ManagedChannel c = channels.remove(key);
                lastReset.remove(key);
                if (c != null) {
                    c.shutdown();
                    if (!key.startsWith("h2c/")) {
                        retired.add(key);
                    }
                }
            }
        }
        return retired;
    }

    /** The {@code host:port} (or {@code h2c/host:port}) of every open channel, for tests. */
    java.util.Set<String> open() {
        return java.util.Set.copyOf(channels.keySet());
    }

    /**
     * The picker was unreachable: reconnect at the next call instead of after gRPC's growing
     * backoff (up to two minutes), so a picker that comes back is used again within about a
     * second. At most once a second per picker, so a dead picker costs one connect attempt a second.
     */
    void unreachable(String host, int port, long nowNanos) {
        String key = host + ":" + port;
        ManagedChannel c = channels.get(key);
        Long last = lastReset.get(key);
        if (c != null && (last == null || nowNanos - last >= TimeUnit.SECONDS.toNanos(1))) {
            lastReset.put(key, nowNanos);
            c.resetConnectBackoff();
        }
    }

    private ManagedChannel open(String host, int port, PickerSettings.Tls tls) {
        OkHttpChannelBuilder b = OkHttpChannelBuilder.forAddress(host, port).maxInboundMessageSize(8 * 1024 * 1024);
        switch (tls) {
            case PLAINTEXT -> b.usePlaintext();
            case VERIFIED -> {
                b.useTransportSecurity();
                settings.caFile().ifPresent(ca -> b.sslSocketFactory(trusting(ca)));
            }
            case INSECURE -> {
                // The reference pickers serve a self-signed certificate by default: encrypt, but
                // verify neither the chain nor the host name (the operator opts into VERIFIED).
                b.useTransportSecurity().sslSocketFactory(trustAll()).hostnameVerifier((h, s) -> true);
            }
        }
        return b.build();
    }

    /** A socket factory that trusts exactly the certificates of a PEM file (chain and host name verified). */
    static javax.net.ssl.SSLSocketFactory trusting(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("picker-ca-" + i++, c);
            }
            if (i == 0) {
                throw new IllegalArgumentException("no certificate in the endpoint picker CA file " + pem);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the endpoint picker CA file " + pem, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("unusable endpoint picker CA file " + pem + ": " + e.getMessage(), e);
        }
    }

    private static javax.net.ssl.SSLSocketFactory trustAll() {
        X509TrustManager all = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {all}, null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS context for endpoint pickers", e);
        }
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        for (ManagedChannel c : channels.values()) {
            try {
                c.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
