package io.leakwatch.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Hands out TCP ports on the loopback interface that were free a moment ago. A port can still be taken by
 * someone else between {@link #pick()} and its use, so callers that bind it should be ready to retry.
 */
public final class FreePorts {

    private FreePorts() {
    }

    /** A loopback TCP port that the kernel reported free just now. */
    public static int pick() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // Not reusable: a port in TIME_WAIT must not be handed out twice in a row.
            socket.setReuseAddress(false);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback TCP port", e);
        }
    }
}
