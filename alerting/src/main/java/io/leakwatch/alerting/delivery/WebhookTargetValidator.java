package io.leakwatch.alerting.delivery;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses webhook targets that would turn alerting into a server-side request forgery tool: schemes other
 * than http/https, URLs with user info, hosts that resolve to a loopback, link-local, unspecified, multicast
 * or (when so configured) private address, and cloud metadata endpoints (169.254.169.254, fd00:ec2::254,
 * 100.100.100.200, metadata.google.internal) whatever the policy. Every resolved address must pass.
 *
 * <p>The check runs just before each delivery and the HTTP client does not follow redirects, so a target
 * cannot bounce to a refused address; a DNS answer that changes between check and connect remains possible.
 */
public final class WebhookTargetValidator {

    /** Resolves a host name to its addresses; injectable for tests. */
    @FunctionalInterface
    public interface HostResolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private static final Set<String> METADATA_HOSTS = Set.of("metadata.google.internal", "metadata",
            "metadata.goog", "instance-data", "instance-data.ec2.internal");
    private static final Set<String> METADATA_ADDRESSES = Set.of("169.254.169.254", "169.254.170.2",
            "100.100.100.200", "fd00:ec2:0:0:0:0:0:254");

    private final TargetPolicy policy;
    private final HostResolver resolver;

    public WebhookTargetValidator(TargetPolicy policy) {
        this(policy, InetAddress::getAllByName);
    }

    public WebhookTargetValidator(TargetPolicy policy, HostResolver resolver) {
        this.policy = policy;
        this.resolver = resolver;
    }

    /** Returns normally when the target is allowed; throws {@link TargetRejectedException} saying why not. */
    public void check(URI uri) {
        String where = UrlRedactor.redact(uri);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new TargetRejectedException(where + ": only http and https targets are allowed");
        }
        if (uri.getRawUserInfo() != null) {
            throw new TargetRejectedException(where + ": user info in webhook URLs is not allowed");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new TargetRejectedException(where + ": the URL has no host");
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (METADATA_HOSTS.contains(h)) {
            throw new TargetRejectedException(where + ": cloud metadata endpoints are never allowed");
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(h.startsWith("[") ? h.substring(1, h.length() - 1) : h);
        } catch (UnknownHostException e) {
            throw new TargetRejectedException(where + ": host does not resolve");
        }
        if (addresses == null || addresses.length == 0) {
            throw new TargetRejectedException(where + ": host does not resolve");
        }
        for (InetAddress a : addresses) {
            String reason = refusal(a);
            if (reason != null) {
                throw new TargetRejectedException(where + ": resolves to " + reason + " address " + a.getHostAddress());
            }
        }
    }

    private String refusal(InetAddress a) {
        if (METADATA_ADDRESSES.contains(a.getHostAddress().toLowerCase(Locale.ROOT))) {
            return "a cloud metadata";
        }
        if (a.isAnyLocalAddress()) {
            return "the unspecified";
        }
        if (a.isMulticastAddress()) {
            return "a multicast";
        }
        if (a.isLoopbackAddress()) {
            return policy.allowLoopback() ? null : "a loopback";
        }
        if (a.isLinkLocalAddress()) {
            return policy.allowLinkLocal() ? null : "a link-local";
        }
        if (!policy.allowPrivate() && isPrivate(a)) {
            return "a private";
        }
        return null;
    }

    private static boolean isPrivate(InetAddress a) {
        if (a.isSiteLocalAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            return (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64; // 100.64.0.0/10, carrier-grade NAT
        }
        return a instanceof Inet6Address && (b[0] & 0xfe) == 0xfc; // fc00::/7, unique local
    }
}
