package io.leakwatch.wire;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class JfrEnvelopeCodecTest {
    private static final Map<String, String> RESOURCE = Map.of(
            JfrEnvelope.SERVICE_NAME, "checkout", JfrEnvelope.SERVICE_VERSION, "1.5.0",
            JfrEnvelope.SERVICE_INSTANCE_ID, "i-1", JfrEnvelope.HOST_NAME, "h\u00e9te");

    private static JfrEnvelope sample(int payloadBytes) {
        byte[] payload = new byte[payloadBytes];
        new Random(7).nextBytes(payload);
        return new JfrEnvelope(new LinkedHashMap<>(RESOURCE), 1_000L, 61_000L, JfrCompression.GZIP, payload);
    }

    @Test
    void roundTripsEveryField() {
        JfrEnvelope envelope = sample(10_000);
        byte[] bytes = JfrEnvelopeCodec.encode(envelope);

        JfrEnvelope decoded = JfrEnvelopeCodec.decode(bytes);

        assertThat(decoded).isEqualTo(envelope);
        assertThat(decoded.attribute(JfrEnvelope.HOST_NAME)).isEqualTo("h\u00e9te");
        assertThat(decoded.attribute("absent")).isEmpty();
        assertThat(new String(bytes, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("LWJF");
        assertThat(bytes[4]).isEqualTo((byte) 1);
    }

    @Test
    void emptyPayloadAndNoAttributesRoundTrip() {
        JfrEnvelope envelope = new JfrEnvelope(Map.of(), 5, 5, JfrCompression.NONE, new byte[0]);
        assertThat(JfrEnvelopeCodec.decode(JfrEnvelopeCodec.encode(envelope))).isEqualTo(envelope);
    }

    @Test
    void everyTruncationIsRefusedWithAReason() {
        byte[] bytes = JfrEnvelopeCodec.encode(sample(300));
        for (int length = 0; length < bytes.length; length++) {
            byte[] cut = java.util.Arrays.copyOf(bytes, length);
            Throwable t = catchThrowable(() -> JfrEnvelopeCodec.decode(cut));
            assertThat(t).as("cut at %d", length).isInstanceOf(MalformedEnvelopeException.class);
            assertThat(t.getMessage()).as("cut at %d", length).isNotBlank();
        }
    }

    @Test
    void randomCorruptionNeverEscapesAsAnotherException() {
        byte[] good = JfrEnvelopeCodec.encode(sample(200));
        Random random = new Random(42);
        for (int round = 0; round < 20_000; round++) {
            byte[] bad = good.clone();
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                bad[random.nextInt(120)] = (byte) random.nextInt(256);
            }
            try {
                JfrEnvelopeCodec.decode(bad, 1024);
            } catch (MalformedEnvelopeException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }

    @Test
    void hostileLengthsAreRefusedBeforeAllocating() {
        ByteBuffer header = ByteBuffer.allocate(JfrEnvelopeCodec.FIXED_HEADER + 4);
        header.put(JfrEnvelopeCodec.MAGIC).put((byte) 1).put((byte) 1).putLong(0).putLong(1).putShort((short) 0)
                .putInt(-1); // claims 4 GiB
        assertThatThrownBy(() -> JfrEnvelopeCodec.decode(header.array()))
                .isInstanceOf(MalformedEnvelopeException.class)
                .hasMessageContaining("exceeds the limit")
                .satisfies(e -> assertThat(((MalformedEnvelopeException) e).tooLarge()).isTrue());

        ByteBuffer manyAttributes = ByteBuffer.allocate(JfrEnvelopeCodec.FIXED_HEADER);
        manyAttributes.put(JfrEnvelopeCodec.MAGIC).put((byte) 1).put((byte) 0).putLong(0).putLong(0)
                .putShort((short) 0xFFFF);
        assertThatThrownBy(() -> JfrEnvelopeCodec.decode(manyAttributes.array()))
                .hasMessageContaining("resource attributes, at most 64");

        ByteBuffer longKey = ByteBuffer.allocate(JfrEnvelopeCodec.FIXED_HEADER + 2);
        longKey.put(JfrEnvelopeCodec.MAGIC).put((byte) 1).put((byte) 0).putLong(0).putLong(0).putShort((short) 1)
                .putShort((short) 5000);
        assertThatThrownBy(() -> JfrEnvelopeCodec.decode(longKey.array()))
                .hasMessageContaining("attribute key 0 has 5000 bytes");
    }

    @Test
    void payloadOverTheCallersLimitIsTooLarge() {
        byte[] bytes = JfrEnvelopeCodec.encode(sample(2_000));
        assertThatThrownBy(() -> JfrEnvelopeCodec.decode(bytes, 1_999))
                .isInstanceOf(MalformedEnvelopeException.class)
                .hasMessage("payload of 2000 bytes exceeds the limit of 1999 bytes");
        assertThat(JfrEnvelopeCodec.decode(bytes, 2_000).payload()).hasSize(2_000);
    }

    @Test
    void refusesWrongMagicVersionCompressionTrailingBytesAndBadUtf8() {
        byte[] good = JfrEnvelopeCodec.encode(sample(10));
        byte[] magic = good.clone();
        magic[0] = 'X';
        assertThatThrownBy(() -> JfrEnvelopeCodec.decode(magic)).hasMessageContaining("bad magic");
        byte[] version = good.clone();
        version[4] = 2;
        assertThatThrownBy(() -> JfrEnvelopeCodec.decode(version)).hasMessageContaining("unsupported envelope version 2");
        byte[] compression = good.clone();
        compression[5] = 9;
        assertThatThrownBy(() -> JfrEnvelopeCodec.decode(compression)).hasMessageContaining("unknown compression code 9");
        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 3);
        assertThatThrownBy(() -> JfrEnvelopeCodec.decode(trailing)).hasMessageContaining("3 unexpected bytes");

        JfrEnvelope oneKey = new JfrEnvelope(Map.of("k", "v"), 0, 0, JfrCompression.NONE, new byte[0]);
        byte[] badUtf8 = JfrEnvelopeCodec.encode(oneKey);
        badUtf8[JfrEnvelopeCodec.FIXED_HEADER + 2] = (byte) 0xC3; // a lone lead byte as the key
        assertThatThrownBy(() -> JfrEnvelopeCodec.decode(badUtf8)).hasMessageContaining("not valid UTF-8");

        ByteBuffer backwards = ByteBuffer.wrap(good.clone());
        backwards.putLong(6, 100).putLong(14, 99);
        assertThatThrownBy(() -> JfrEnvelopeCodec.decode(backwards.array())).hasMessageContaining("before its start");
    }

    @Test
    void encodeRefusesWhatDecodeWouldRefuse() {
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i <= JfrEnvelopeCodec.MAX_ATTRIBUTES; i++) {
            many.put("k" + i, "v");
        }
        assertThatThrownBy(() -> JfrEnvelopeCodec.encode(new JfrEnvelope(many, 0, 0, JfrCompression.NONE, new byte[0])))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JfrEnvelopeCodec.encode(new JfrEnvelope(Map.of("k", "x".repeat(5000)), 0, 0,
                JfrCompression.NONE, new byte[0]))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new JfrEnvelope(Map.of(), 2, 1, JfrCompression.NONE, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
