package io.dockhand.agent;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;

import io.dockhand.agent.engine.Attachment;
import io.dockhand.agent.engine.ContainerInfo;
import io.dockhand.agent.engine.ContainerNotFoundException;
import io.dockhand.agent.engine.Engine;
import io.dockhand.agent.watch.EngineWatch;

import io.dockhand.web.ClusterToken;
import io.dockhand.web.ProblemException;

import io.helidon.webserver.http.ServerRequest;

/**
 * Who is asking: the container on this node that owns the request's source address, or an operator holding the
 * agent's token. A container calling its node's gateway arrives from its address on that network (or, for a swarm
 * task, from its {@code docker_gwbridge} address), which the engine watch maps to the container. The container's
 * facts come from the watch while the engine is demonstrably alive, else from a live inspection.
 */
final class Callers {

    private final Engine engine;
    private final EngineWatch watch;
    private final ClusterToken token;

    Callers(Engine engine, EngineWatch watch, ClusterToken token) {
        this.engine = engine;
        this.watch = watch;
        this.token = token;
    }

    /**
     * Whether the request carries the operator token.
     *
     * @throws ProblemException 401 when it carries a bearer token that is not the configured one
     */
    boolean isOperator(ServerRequest req) {
        return token.presentedBy(req);
    }


    /**
     * The calling container, inspected now.
     *
     * @throws ProblemException 403 when the caller is not a running container on this node
     */
    ContainerInfo self(ServerRequest req) {
        long askedAt = System.nanoTime();
        String address = sourceAddress(req);
        Attachment owner = watch.owner(address, askedAt).orElseThrow(() -> notOnNode(address));
        Optional<ContainerInfo> self = confirm(owner);
        if (self.isEmpty()) {
            // The index may be older than the address's current owner: read the engine again, once.
            owner = watch.ownerAfterRefresh(address, askedAt).orElseThrow(() -> notOnNode(address));
            self = confirm(owner);
        }
        return self.orElseThrow(() -> notOnNode(address));
    }

    /** Whether the caller is a container on this node, without inspecting it. */
    boolean isOnNode(ServerRequest req) {
        return watch.owner(sourceAddress(req), System.nanoTime()).isPresent();
    }

    private Optional<ContainerInfo> confirm(Attachment owner) {
        ContainerInfo info = watch.knownFacts(owner.containerId()).orElse(null);
        if (info == null) {
            long mark = watch.mark();
            try {
                info = engine.inspect(owner.containerId());
            } catch (ContainerNotFoundException gone) {
                return Optional.empty();
            }
            watch.remember(info, mark);
        }
        boolean running = "running".equals(info.state());
        boolean attached = !owner.visibleInInspect() || info.networks().containsKey(owner.network());
        return running && attached ? Optional.of(info) : Optional.empty();
    }

    static String sourceAddress(ServerRequest req) {
        SocketAddress peer = req.remotePeer().address();
        if (peer instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return canonical(inet.getAddress());
        }
        return String.valueOf(peer);
    }

    private static String canonical(InetAddress address) {
        String text = address.getHostAddress();
        int scope = text.indexOf('%');
        return scope < 0 ? text : text.substring(0, scope);
    }

    private static ProblemException notOnNode(String address) {
        return ProblemException.forbidden("The caller (" + address + ") is not a running container on this node.");
    }
}
