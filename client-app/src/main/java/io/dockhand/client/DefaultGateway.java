package io.dockhand.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The default gateway from the kernel's routing table ({@code /proc/net/route}): inside a container that is the
 * node the container runs on, where the agent listens.
 */
final class DefaultGateway {
    private static final int RTF_UP = 0x1;
    private static final int RTF_GATEWAY = 0x2;

    private DefaultGateway() {
    }

    /** The gateway of the default route, as dotted IPv4, if the table has one. */
    static Optional<String> read(Path routeTable) {
        try {
            return parse(Files.readAllLines(routeTable));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static Optional<String> parse(List<String> lines) {
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 4 || !f[1].equals("00000000")) {
                continue;
            }
            int flags = Integer.parseInt(f[3], 16);
            if ((flags & RTF_UP) == 0 || (flags & RTF_GATEWAY) == 0) {
                continue;
            }
            long gw = Long.parseLong(f[2], 16);
            // The kernel prints the address in host byte order: little-endian on the machines Docker runs on.
            return Optional.of((gw & 0xff) + "." + ((gw >> 8) & 0xff) + "." + ((gw >> 16) & 0xff) + "."
                                       + ((gw >> 24) & 0xff));
        }
        return Optional.empty();
    }
}
