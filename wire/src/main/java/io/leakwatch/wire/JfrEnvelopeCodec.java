package io.leakwatch.wire;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes and reads {@link JfrEnvelope}s. Format version 1, all integers big-endian:
 *
 * <pre>
 * magic         4 bytes  "LWJF"
 * version       u8       1
 * compression   u8       0 = none, 1 = gzip
 * start         i64      recording start, epoch ms
 * end           i64      recording end, epoch ms (>= start)
 * attributes    u16      count, at most {@value #MAX_ATTRIBUTES}
 *   key         u16 length + UTF-8 (1..{@value #MAX_KEY_BYTES} bytes)
 *   value       u16 length + UTF-8 (0..{@value #MAX_VALUE_BYTES} bytes)
 * payload       u32 length + bytes (at most the caller's limit, never more than {@value #MAX_PAYLOAD_BYTES})
 * </pre>
 *
 * Nothing may follow the payload. A reader refuses a newer version rather than guessing at it; a writer that
 * needs a new field bumps the version.
 *
 * <p>Promises: {@link #decode} never allocates more than the input's own size plus the attribute strings,
 * whatever the lengths claim, and every refusal is a {@link MalformedEnvelopeException} with the reason.
 */
public final class JfrEnvelopeCodec {
    public static final byte[] MAGIC = {'L', 'W', 'J', 'F'};
    public static final int VERSION = 1;
    public static final int MAX_ATTRIBUTES = 64;
    public static final int MAX_KEY_BYTES = 256;
    public static final int MAX_VALUE_BYTES = 4096;
    /** Hard ceiling of a payload, whatever a caller's limit says. */
    public static final int MAX_PAYLOAD_BYTES = 256 * 1024 * 1024;
    /** Bytes of the fixed header before the attributes. */
    static final int FIXED_HEADER = 4 + 1 + 1 + 8 + 8 + 2;

    private JfrEnvelopeCodec() {
    }

    /** The envelope's bytes; throws {@link IllegalArgumentException} when it breaks a bound. */
    public static byte[] encode(JfrEnvelope envelope) {
        Map<String, String> resource = envelope.resource();
        if (resource.size() > MAX_ATTRIBUTES) {
            throw new IllegalArgumentException(resource.size() + " resource attributes, at most " + MAX_ATTRIBUTES);
        }
        if (envelope.payload().length > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("payload of " + envelope.payload().length + " bytes exceeds "
                    + MAX_PAYLOAD_BYTES);
        }
        byte[][] keys = new byte[resource.size()][];
        byte[][] values = new byte[resource.size()][];
        int size = FIXED_HEADER + 4 + envelope.payload().length;
        int i = 0;
        for (Map.Entry<String, String> e : resource.entrySet()) {
            keys[i] = utf8(e.getKey(), "key");
            values[i] = utf8(e.getValue() == null ? "" : e.getValue(), "value of " + e.getKey());
            if (keys[i].length == 0 || keys[i].length > MAX_KEY_BYTES) {
                throw new IllegalArgumentException("attribute key must be 1.." + MAX_KEY_BYTES + " UTF-8 bytes: "
                        + abbreviate(e.getKey()));
            }
            if (values[i].length > MAX_VALUE_BYTES) {
                throw new IllegalArgumentException("value of attribute " + abbreviate(e.getKey()) + " exceeds "
                        + MAX_VALUE_BYTES + " UTF-8 bytes");
            }
            size += 4 + keys[i].length + values[i].length;
            i++;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(MAGIC).put((byte) VERSION).put((byte) envelope.compression().code())
                .putLong(envelope.startMillis()).putLong(envelope.endMillis()).putShort((short) resource.size());
        for (int k = 0; k < keys.length; k++) {
            out.putShort((short) keys[k].length).put(keys[k]).putShort((short) values[k].length).put(values[k]);
        }
        out.putInt(envelope.payload().length).put(envelope.payload());
        return out.array();
    }

    /** Reads an envelope whose payload may be as large as {@link #MAX_PAYLOAD_BYTES}. */
    public static JfrEnvelope decode(byte[] bytes) {
        return decode(bytes, MAX_PAYLOAD_BYTES);
    }

    /**
     * Reads an envelope, refusing a payload over {@code maxPayloadBytes}.
     *
     * @throws MalformedEnvelopeException with the reason when the bytes are not a valid envelope
     */
    public static JfrEnvelope decode(byte[] bytes, int maxPayloadBytes) {
        if (bytes == null) {
            throw new MalformedEnvelopeException("no envelope bytes", false);
        }
        int limit = Math.min(Math.max(0, maxPayloadBytes), MAX_PAYLOAD_BYTES);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        need(in, FIXED_HEADER, "header");
        for (byte m : MAGIC) {
            if (in.get() != m) {
                throw new MalformedEnvelopeException("not a LeakWatch JFR envelope (bad magic)", false);
            }
        }
        int version = Byte.toUnsignedInt(in.get());
        if (version != VERSION) {
            throw new MalformedEnvelopeException("unsupported envelope version " + version + " (this reader knows "
                    + VERSION + ")", false);
        }
        int code = Byte.toUnsignedInt(in.get());
        JfrCompression compression = JfrCompression.ofCode(code);
        if (compression == null) {
            throw new MalformedEnvelopeException("unknown compression code " + code, false);
        }
        long start = in.getLong();
        long end = in.getLong();
        if (end < start) {
            throw new MalformedEnvelopeException("recording end " + end + " is before its start " + start, false);
        }
        int count = Short.toUnsignedInt(in.getShort());
        if (count > MAX_ATTRIBUTES) {
            throw new MalformedEnvelopeException(count + " resource attributes, at most " + MAX_ATTRIBUTES, true);
        }
        Map<String, String> resource = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String key = string(in, 1, MAX_KEY_BYTES, "attribute key " + i);
            String value = string(in, 0, MAX_VALUE_BYTES, "value of attribute " + i);
            if (resource.put(key, value) != null) {
                throw new MalformedEnvelopeException("duplicate resource attribute " + abbreviate(key), false);
            }
        }
        need(in, 4, "payload length");
        long length = Integer.toUnsignedLong(in.getInt());
        if (length > limit) {
            throw new MalformedEnvelopeException("payload of " + length + " bytes exceeds the limit of " + limit
                    + " bytes", true);
        }
        need(in, (int) length, "payload");
        byte[] payload = new byte[(int) length];
        in.get(payload);
        if (in.hasRemaining()) {
            throw new MalformedEnvelopeException(in.remaining() + " unexpected bytes after the payload", false);
        }
        return new JfrEnvelope(resource, start, end, compression, payload);
    }

    private static String string(ByteBuffer in, int min, int max, String what) {
        need(in, 2, what + " length");
        int length = Short.toUnsignedInt(in.getShort());
        if (length < min || length > max) {
            throw new MalformedEnvelopeException(what + " has " + length + " bytes, allowed " + min + ".." + max,
                    length > max);
        }
        need(in, length, what);
        ByteBuffer slice = in.slice(in.position(), length);
        in.position(in.position() + length);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(slice).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedEnvelopeException(what + " is not valid UTF-8", false);
        }
    }

    private static void need(ByteBuffer in, int bytes, String what) {
        if (in.remaining() < bytes) {
            throw new MalformedEnvelopeException("truncated envelope: " + what + " needs " + bytes + " bytes, "
                    + in.remaining() + " left", false);
        }
    }

    private static byte[] utf8(String s, String what) {
        if (s == null) {
            throw new IllegalArgumentException("null attribute " + what);
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\p{Cntrl}", "?");
        return one.length() > 64 ? one.substring(0, 64) + "..." : one;
    }
}
