package io.dockhand.client.http;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;

/**
 * One place a request can go: a configured base URL and, for plain HTTP, one of the addresses its host name
 * resolves to (the stack's DNS round-robin lists every replica). Requests to a target connect to that address and
 * send the base URL's host in the {@code Host} header.
 *
 * @param base    the base URL as configured, such as {@code http://server:5001}
 * @param address the address to connect to, or {@code null} to let the HTTP client resolve the host itself
 */
public record Target(URI base, InetAddress address) {

    /** The URL a request for {@code pathAndQuery} (already encoded, starting with {@code /}) connects to. */
    public URI uri(String pathAndQuery) {
        String host = address == null ? base.getRawAuthority() : hostLiteral() + port();
        return URI.create(base.getScheme() + "://" + host + basePath() + pathAndQuery);
    }

    /** The URL as the user knows it: with the configured host name, not the address. */
    public String url(String pathAndQuery) {
        return base.getScheme() + "://" + base.getRawAuthority() + basePath() + pathAndQuery;
    }

    /** The {@code Host} header a request to this target carries, or {@code null} when none needs to be set. */
    String hostHeader() {
        return address == null ? null : base.getRawAuthority();
    }

    /** The address connected to, as text; the base URL's host when the HTTP client resolves it. */
    public String addressText() {
        return address == null ? base.getHost() : address.getHostAddress();
    }

    /** The URL for {@code pathAndQuery}, followed by the address in brackets when it differs from the host. */
    public String describe(String pathAndQuery) {
        String url = url(pathAndQuery);
        return address == null || address.getHostAddress().equals(bare(base.getHost()))
                ? url
                : url + " (" + address.getHostAddress() + ")";
    }

    private String hostLiteral() {
        return address instanceof Inet6Address ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
    }

    private String port() {
        return base.getPort() < 0 ? "" : ":" + base.getPort();
    }

    private String basePath() {
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
