package io.subnetcast.core.transport;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The network interface multicast is sent and received on, with its IPv4 address.
 *
 * <p>The library never picks an interface silently when more than one could carry multicast: it is
 * named by the embedder, or, when none is named, there must be exactly one candidate.
 *
 * @param networkInterface the interface
 * @param address its IPv4 address, the source of what this engine sends
 */
public record MulticastInterface(NetworkInterface networkInterface, Inet4Address address) {

    /**
     * Resolves an interface by name.
     *
     * @param name an interface name such as {@code eth0} or {@code lo}; null to require that exactly
     *     one up, non-loopback IPv4 interface exists
     * @return the interface
     * @throws IllegalArgumentException with a message that lists the candidates when the name is
     *     unknown, the interface is down or has no IPv4 address, or the choice is ambiguous
     */
    public static MulticastInterface resolve(String name) {
        try {
            if (name == null || name.isBlank()) {
                List<MulticastInterface> candidates = candidates();
                if (candidates.size() == 1) {
                    return candidates.get(0);
                }
                throw new IllegalArgumentException((candidates.isEmpty()
                        ? "no up, non-loopback IPv4 interface found"
                        : "more than one interface could carry multicast") + "; name one of: " + names());
            }
            NetworkInterface found = NetworkInterface.getByName(name);
            if (found == null) {
                throw new IllegalArgumentException("unknown network interface '" + name + "'; known: " + names());
            }
            if (!found.isUp()) {
                throw new IllegalArgumentException("network interface '" + name + "' is down");
            }
            Inet4Address address = ipv4(found);
            if (address == null) {
                throw new IllegalArgumentException("network interface '" + name + "' has no IPv4 address");
            }
            // supportsMulticast() answers false for lo on Linux although multicast works there:
            // the join is the real test, and the transport reports its failure.
            return new MulticastInterface(found, address);
        } catch (SocketException e) {
            throw new IllegalArgumentException("cannot list network interfaces: " + e.getMessage(), e);
        }
    }

    /** @return the interface name */
    public String name() {
        return networkInterface.getName();
    }

    private static List<MulticastInterface> candidates() throws SocketException {
        List<MulticastInterface> result = new ArrayList<>();
        for (NetworkInterface candidate : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            Inet4Address address = ipv4(candidate);
            if (candidate.isUp() && !candidate.isLoopback() && candidate.supportsMulticast() && address != null) {
                result.add(new MulticastInterface(candidate, address));
            }
        }
        return result;
    }

    private static String names() throws SocketException {
        List<String> names = new ArrayList<>();
        for (NetworkInterface candidate : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            names.add(candidate.getName());
        }
        Collections.sort(names);
        return String.join(", ", names);
    }

    private static Inet4Address ipv4(NetworkInterface networkInterface) {
        for (InetAddress address : Collections.list(networkInterface.getInetAddresses())) {
            if (address instanceof Inet4Address v4) {
                return v4;
            }
        }
        return null;
    }
}
