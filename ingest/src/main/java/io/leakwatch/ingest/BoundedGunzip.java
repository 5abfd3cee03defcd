package io.leakwatch.ingest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.GZIPInputStream;

/** Gunzips a body into memory, refusing it as soon as the output passes a limit (zip-bomb safe). */
final class BoundedGunzip {
    private BoundedGunzip() {
    }

    static byte[] gunzip(byte[] compressed, int maxBytes) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed), 8192)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes, Math.max(1024, compressed.length * 4)));
            byte[] chunk = new byte[16384];
            int n;
            while ((n = in.read(chunk)) > 0) {
                if ((long) out.size() + n > maxBytes) {
                    throw new PayloadRejectedException("gzip body decompresses to more than " + maxBytes + " bytes", true);
                }
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new PayloadRejectedException("malformed gzip body: " + e.getMessage(), false, e);
        }
    }
}
