package io.dockhand.gateway;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The replicas behind one DNS name, in the order to try them: looked up again for every connection (a replica
 * that died leaves DNS within a second or two), rotated so connections spread, and with the replicas that
 * recently failed moved to the end rather than dropped (they are the last resort, not forgotten).
 */
final class Backends {
    /** Looks up every address of a name; {@link InetAddress#getAllByName} in production. */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final String host;
    private final Resolver resolver;
    private final Duration quarantine;
    private final Clock clock;
    private final AtomicInteger next = new AtomicInteger();
    private final Map<InetAddress, Instant> failedUntil = new ConcurrentHashMap<>();

    Backends(String host, Resolver resolver, Duration quarantine, Clock clock) {
        this.host = host;
        this.resolver = resolver;
        this.quarantine = quarantine;
        this.clock = clock;
    }

    /** The addresses to try for the next connection, healthy ones first; empty when the name does not resolve. */
    List<InetAddress> candidates() {
        InetAddress[] all;
        try {
            all = resolver.resolve(host);
        } catch (UnknownHostException e) {
            return List.of();
        }
        Instant now = clock.instant();
        int start = Math.floorMod(next.getAndIncrement(), Math.max(1, all.length));
        List<InetAddress> healthy = new ArrayList<>();
        List<InetAddress> suspect = new ArrayList<>();
        for (int i = 0; i < all.length; i++) {
            InetAddress address = all[(start + i) % all.length];
            Instant until = failedUntil.get(address);
            if (until != null && until.isAfter(now)) {
                suspect.add(address);
            } else {
                healthy.add(address);
            }
        }
        healthy.addAll(suspect);
        return healthy;
    }

    /** Moves an address to the end of the list for the quarantine period. */
    void failed(InetAddress address) {
        failedUntil.put(address, clock.instant().plus(quarantine));
    }

    /** Forgets a failure once the address accepted a connection again. */
    void succeeded(InetAddress address) {
        failedUntil.remove(address);
    }
}
