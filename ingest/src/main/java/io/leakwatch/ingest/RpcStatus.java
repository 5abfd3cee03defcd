package io.leakwatch.ingest;

import com.google.protobuf.CodedOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The {@code google.rpc.Status} body OTLP/HTTP returns with an error, encoded by hand (code = field 1,
 * message = field 2) because the rpc protos are not on the classpath.
 */
final class RpcStatus {
    static final int INVALID_ARGUMENT = 3;
    static final int RESOURCE_EXHAUSTED = 8;
    static final int INTERNAL = 13;
    static final int UNAVAILABLE = 14;

    private RpcStatus() {
    }

    static byte[] protobuf(int code, String message) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(message.length() + 16);
            CodedOutputStream cos = CodedOutputStream.newInstance(out);
            cos.writeInt32(1, code);
            cos.writeString(2, message);
            cos.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String json(int code, String message) {
        return new io.vertx.core.json.JsonObject().put("code", code).put("message", message).encode();
    }
}
