package io.infergate.router.extproc;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.grpc.MethodDescriptor;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The standard gRPC health check call ({@code grpc.health.v1.Health/Check}) without the
 * grpc-services artifact: its two messages have one field each (the service name; the status
 * enum), encoded here by hand, which saves a dependency tree (protobuf-java-util, Gson) for two
 * fields.
 */
public final class GrpcHealth {

    private GrpcHealth() {}

    /** The service whose health a picker reports: its ext_proc service. */
    public static final String EXT_PROC_SERVICE = "envoy.service.ext_proc.v3.ExternalProcessor";

    /** {@code HealthCheckResponse.ServingStatus} values. */
    public static final int UNKNOWN = 0;

    public static final int SERVING = 1;
    public static final int NOT_SERVING = 2;
    public static final int SERVICE_UNKNOWN = 3;

    /** {@code Check(HealthCheckRequest{service}) returns HealthCheckResponse{status}}. */
    public static final MethodDescriptor<String, Integer> CHECK = MethodDescriptor.<String, Integer>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("grpc.health.v1.Health/Check")
            .setRequestMarshaller(new Field1<>() {
                @Override
                void write(CodedOutputStream out, String service) throws IOException {
                    if (!service.isEmpty()) {
                        out.writeString(1, service);
                    }
                }

                @Override
                String read(CodedInputStream in) throws IOException {
                    String service = "";
                    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                        if (tag == ((1 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
                            service = in.readString();
                        } else {
                            in.skipField(tag);
                        }
                    }
                    return service;
                }
            })
            .setResponseMarshaller(new Field1<>() {
                @Override
                void write(CodedOutputStream out, Integer status) throws IOException {
                    if (status != UNKNOWN) {
                        out.writeEnum(1, status);
                    }
                }

                @Override
                Integer read(CodedInputStream in) throws IOException {
                    int status = UNKNOWN;
                    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                        if (tag == ((1 << 3) | WireFormat.WIRETYPE_VARINT)) {
                            status = in.readEnum();
                        } else {
                            in.skipField(tag);
                        }
                    }
                    return status;
                }
            })
            .build();

    /** A one-message marshaller over protobuf's coded streams. */
    private abstract static class Field1<T> implements MethodDescriptor.Marshaller<T> {
        abstract void write(CodedOutputStream out, T value) throws IOException;

        abstract T read(CodedInputStream in) throws IOException;

        @Override
        public InputStream stream(T value) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            try {
                write(out, value);
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new ByteArrayInputStream(bytes.toByteArray());
        }

        @Override
        public T parse(InputStream stream) {
            try {
                return read(CodedInputStream.newInstance(stream));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
