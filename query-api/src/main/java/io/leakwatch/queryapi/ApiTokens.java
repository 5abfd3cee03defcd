package io.leakwatch.queryapi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The bearer tokens the API accepts: read tokens (every GET under {@code /api}) and admin tokens (everything,
 * including changes to rules and silences and channel tests). With no token at all, authentication is off:
 * meant for the standalone demo on loopback only, and the launcher must refuse a non-loopback bind without
 * tokens unless explicitly allowed.
 *
 * <p>Only SHA-256 digests of the tokens are kept, and a presented token is compared with every configured
 * digest in constant time, so neither timing nor a heap dump of this object reveals a token;
 * {@link #toString()} shows only counts.
 */
public final class ApiTokens {

    /** Env variable: comma-separated read-only tokens. */
    public static final String READ_ENV = "LEAKWATCH_API_TOKENS";
    /** Env variable: comma-separated admin tokens. */
    public static final String ADMIN_ENV = "LEAKWATCH_ADMIN_TOKENS";
    /** Shortest accepted token, so a typo like "x" cannot become a password. */
    public static final int MIN_LENGTH = 16;
    public static final int MAX_LENGTH = 512;

    /** Authentication off. */
    public static final ApiTokens NONE = new ApiTokens(List.of(), List.of());

    /** What a request may do. */
    public enum Role {
        NONE, READ, ADMIN
    }

    private final List<byte[]> read;
    private final List<byte[]> admin;

    private ApiTokens(List<byte[]> read, List<byte[]> admin) {
        this.read = List.copyOf(read);
        this.admin = List.copyOf(admin);
    }

    /** Tokens given as plain values; throws IllegalArgumentException (without the value) for a bad one. */
    public static ApiTokens of(List<String> readTokens, List<String> adminTokens) {
        return new ApiTokens(digests(readTokens, READ_ENV), digests(adminTokens, ADMIN_ENV));
    }

    /** From {@value #READ_ENV} and {@value #ADMIN_ENV} (comma-separated; absent or empty = none). */
    public static ApiTokens fromEnv(Map<String, String> env) {
        return of(split(env.get(READ_ENV)), split(env.get(ADMIN_ENV)));
    }

    /** True when any token is configured; false means every request is allowed. */
    public boolean enabled() {
        return !read.isEmpty() || !admin.isEmpty();
    }

    /** The role of an {@code Authorization} header value ({@code Bearer <token>}); NONE when missing or unknown. */
    public Role roleOf(String authorizationHeader) {
        if (authorizationHeader == null || authorizationHeader.length() > MAX_LENGTH + 7
                || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Role.NONE;
        }
        byte[] presented = sha256(authorizationHeader.substring(7).trim());
        // Compare with every digest, without stopping early, so timing says nothing about which matched.
        boolean isAdmin = false;
        boolean isRead = false;
        for (byte[] d : admin) {
            isAdmin |= MessageDigest.isEqual(d, presented);
        }
        for (byte[] d : read) {
            isRead |= MessageDigest.isEqual(d, presented);
        }
        return isAdmin ? Role.ADMIN : isRead ? Role.READ : Role.NONE;
    }

    @Override
    public String toString() {
        return "ApiTokens[read=" + read.size() + ", admin=" + admin.size() + "]";
    }

    private static List<String> split(String value) {
        List<String> out = new ArrayList<>();
        if (value != null) {
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return out;
    }

    private static List<byte[]> digests(List<String> tokens, String source) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (t == null || t.length() < MIN_LENGTH || t.length() > MAX_LENGTH || !t.strip().equals(t)
                    || t.contains(",")) {
                throw new IllegalArgumentException(source + ": token #" + (i + 1) + " must be " + MIN_LENGTH + ".."
                        + MAX_LENGTH + " characters without spaces or commas");
            }
            out.add(sha256(t));
        }
        return out;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
