package io.dockhand.agent.watch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

import io.dockhand.agent.engine.Attachment;
import io.dockhand.agent.engine.Engine;
import io.dockhand.agent.engine.RunningContainers;

/**
 * Which running container owns which address on this node, and each running container's labels. Lookups read an
 * immutable snapshot; a refresh replaces it. Refreshes asked for while one is running share that one's result, so a
 * burst of unknown callers costs the engine one listing.
 */
final class AddressIndex {

    private final Engine engine;
    private final ReentrantLock refreshing = new ReentrantLock();
    private volatile Map<String, Attachment> byAddress = Map.of();
    private volatile Map<String, Map<String, String>> labels = Map.of();
    private volatile boolean refreshed;
    private volatile long lastRefreshStarted;

    AddressIndex(Engine engine) {
        this.engine = engine;
    }

    Optional<Attachment> find(String address) {
        return Optional.ofNullable(byAddress.get(canonical(address)));
    }

    /**
     * Reads the engine again unless a refresh started after {@code since} (a {@link System#nanoTime()}) has already
     * done so.
     */
    void refreshUnlessDoneSince(long since) {
        refreshing.lock();
        try {
            if (refreshed && lastRefreshStarted - since > 0) {
                return;
            }
            lastRefreshStarted = System.nanoTime();
            RunningContainers running = engine.running();
            byAddress = byAddress(running.attachments());
            labels = running.labels();
            refreshed = true;
        } finally {
            refreshing.unlock();
        }
    }

    /**
     * The attachments by canonical address. An address seen on a network that inspection shows wins over the
     * gateway-bridge view of it.
     */
    static Map<String, Attachment> byAddress(List<Attachment> attachments) {
        Map<String, Attachment> result = new HashMap<>();
        for (Attachment a : attachments) {
            result.merge(canonical(a.address()), a, (old, neu) -> old.visibleInInspect() ? old : neu);
        }
        return Map.copyOf(result);
    }

    void refresh() {
        refreshUnlessDoneSince(System.nanoTime());
    }

    /** One spelling per address, so that the engine's {@code fd00::2} and Java's {@code fd00:0:0:0:0:0:0:2} meet. */
    static String canonical(String address) {
        if (address.indexOf(':') < 0) {
            return address;
        }
        try {
            String text = InetAddress.getByName(address).getHostAddress();
            int scope = text.indexOf('%');
            return scope < 0 ? text : text.substring(0, scope);
        } catch (UnknownHostException notALiteral) {
            return address;
        }
    }

    /** The running containers: those with an address and those the listing showed (with no network, say). */
    Set<String> containerIds() {
        Set<String> ids = byAddress.values().stream().map(Attachment::containerId).collect(Collectors.toSet());
        ids.addAll(labels.keySet());
        return Set.copyOf(ids);
    }

    /** Each running container's labels, by id, as last listed. */
    Map<String, Map<String, String>> labels() {
        return labels;
    }
}
