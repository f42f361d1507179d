package io.dockhand.client.http;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Turns a host name into every address it has; tests replace the system's DNS with a fixed table. */
@FunctionalInterface
public interface Resolver {

    /** The system resolver: all the A and AAAA records of a name. */
    Resolver SYSTEM = InetAddress::getAllByName;

    /** All the addresses of {@code host}, in the order the resolver gives them. */
    InetAddress[] resolve(String host) throws UnknownHostException;
}
