package io.leakwatch.wire;

/** How the recording bytes inside a {@link JfrEnvelope} are compressed; the code is the byte on the wire. */
public enum JfrCompression {
    NONE(0),
    GZIP(1);

    private final int code;

    JfrCompression(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The compression with wire code {@code code}, or null when unknown. */
    public static JfrCompression ofCode(int code) {
        for (JfrCompression c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return null;
    }
}
