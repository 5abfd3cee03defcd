package io.leakwatch.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A growable little-endian buffer with ClickHouse RowBinary's primitives, for the writers' hand-written encoders
 * (client-v2's {@code RowBinaryFormatWriter} boxes every value and looks each column up by name; the encoding tests
 * check that both give the same bytes). Not thread-safe; one per encode.
 */
public final class RowBinaryBuffer {
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle DOUBLE_LE = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);

    private byte[] buf;
    private int pos;

    public RowBinaryBuffer(int initial) {
        buf = new byte[Math.max(64, initial)];
    }

    private void ensure(int n) {
        if (pos + n > buf.length) {
            long size = Math.max((long) buf.length * 2, (long) pos + n);
            if (size > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("batch encodes to more than 2 GiB");
            }
            buf = Arrays.copyOf(buf, (int) size);
        }
    }

    public void int8(int v) {
        ensure(1);
        buf[pos++] = (byte) v;
    }

    public void int64(long v) {
        ensure(8);
        LONG_LE.set(buf, pos, v);
        pos += 8;
    }

    public void float64(double v) {
        ensure(8);
        DOUBLE_LE.set(buf, pos, v);
        pos += 8;
    }

    /** An {@code Array(Float64)}; null is the empty array. */
    public void float64Array(List<Double> values) {
        if (values == null) {
            int8(0);
            return;
        }
        varint(values.size());
        for (Double v : values) {
            float64(v);
        }
    }

    /** An {@code Array(UInt64)} or {@code Array(Int64)}; null is the empty array. */
    public void int64Array(List<Long> values) {
        if (values == null) {
            int8(0);
            return;
        }
        varint(values.size());
        for (Long v : values) {
            int64(v);
        }
    }

    public void varint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
    }

    public void string(String s) {
        if (s == null || s.isEmpty()) {
            int8(0);
            return;
        }
        int n = s.length();
        // Most names and values are ASCII: write the chars straight, without an intermediate byte[].
        if (n < 128) {
            ensure(1 + n);
            int start = pos + 1;
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    utf8(s);
                    return;
                }
                buf[start + i] = (byte) c;
            }
            buf[pos] = (byte) n;
            pos = start + n;
            return;
        }
        utf8(s);
    }

    private void utf8(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        varint(b.length);
        ensure(b.length);
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
    }

    public void map(Map<String, String> m) {
        if (m == null || m.isEmpty()) {
            int8(0);
            return;
        }
        varint(m.size());
        for (Map.Entry<String, String> e : m.entrySet()) {
            string(e.getKey());
            string(e.getValue());
        }
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }
}
