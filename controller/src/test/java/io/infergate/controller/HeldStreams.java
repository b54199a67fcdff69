package io.infergate.controller;

import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.ManagedChannel;
import io.grpc.okhttp.OkHttpChannelBuilder;
import io.grpc.stub.StreamObserver;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * ext_proc streams held open on a picker (TLS, certificate not verified, as gateways connect):
 * each has sent request headers for a POST and never ends its body, as a gateway does while a
 * slow client uploads. Closing cancels them.
 */
final class HeldStreams implements AutoCloseable {

    private final ManagedChannel channel;
    private final List<StreamObserver<ProcessingRequest>> streams = new ArrayList<>();

    private HeldStreams(ManagedChannel channel) {
        this.channel = channel;
    }

    static HeldStreams open(String host, int port, int count) {
        HeldStreams held = new HeldStreams(OkHttpChannelBuilder.forAddress(host, port)
                .useTransportSecurity()
                .sslSocketFactory(trustAll().getSocketFactory())
                .hostnameVerifier((h, session) -> true) // self-signed, as gateways connect to pickers
                .build());
        ExternalProcessorGrpc.ExternalProcessorStub stub = ExternalProcessorGrpc.newStub(held.channel);
        ProcessingRequest headers = ProcessingRequest.newBuilder()
                .setRequestHeaders(HttpHeaders.newBuilder()
                        .setHeaders(HeaderMap.newBuilder()
                                .addHeaders(raw(":method", "POST"))
                                .addHeaders(raw(":path", "/v1/completions"))
                                .addHeaders(raw("content-type", "application/json"))))
                .build();
        for (int i = 0; i < count; i++) {
            StreamObserver<ProcessingRequest> s = stub.process(new StreamObserver<ProcessingResponse>() {
                @Override
                public void onNext(ProcessingResponse value) {}

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onCompleted() {}
            });
            s.onNext(headers);
            held.streams.add(s);
        }
        return held;
    }

    private static HeaderValue raw(String key, String value) {
        return HeaderValue.newBuilder()
                .setKey(key)
                .setRawValue(com.google.protobuf.ByteString.copyFrom(value, StandardCharsets.UTF_8))
                .build();
    }

    private static SSLContext trustAll() {
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
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Streams held open. */
    int count() {
        return streams.size();
    }

    @Override
    public void close() {
        for (StreamObserver<ProcessingRequest> s : streams) {
            s.onError(io.grpc.Status.CANCELLED.asRuntimeException());
        }
        try {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
