package io.subnetcast.core.transport;

import io.subnetcast.core.wire.LogSafe;
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
     * Resolves an interface by name, index or display name.
     *
     * @param name an interface name such as {@code eth0}, {@code en0} or {@code lo}; or its index, as
     *     {@code ip link} and Windows' {@code netsh interface ipv4 show interfaces} list it (Java's
     *     names on Windows are its own, such as {@code eth3}, so the index is the dependable way
     *     there); or, failing both, the interface's display name when exactly one has it; null to
     *     require that exactly one up, non-loopback IPv4 interface exists
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
            NetworkInterface found = find(name);
            String shown = LogSafe.of(name);
            if (found == null) {
                throw new IllegalArgumentException("unknown network interface '" + shown
                        + "' (neither a name nor an index); known: " + names());
            }
            if (!found.isUp()) {
                throw new IllegalArgumentException("network interface '" + shown + "' is down");
            }
            Inet4Address address = ipv4(found);
            if (address == null) {
                throw new IllegalArgumentException("network interface '" + shown + "' has no IPv4 address");
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

    private static NetworkInterface find(String name) throws SocketException {
        NetworkInterface byName = NetworkInterface.getByName(name);
        if (byName != null) {
            return byName;
        }
        // At most 9 digits: an int, and never negative, which getByIndex refuses with an exception.
        if (name.length() <= 9 && name.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return NetworkInterface.getByIndex(Integer.parseInt(name));
        }
        NetworkInterface byDisplayName = null;
        for (NetworkInterface candidate : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (name.equals(candidate.getDisplayName())) {
                if (byDisplayName != null) {
                    return null; // two share it: never pick one silently
                }
                byDisplayName = candidate;
            }
        }
        return byDisplayName;
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
            names.add(LogSafe.of(candidate.getName()) + " (" + candidate.getIndex() + ")");
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
