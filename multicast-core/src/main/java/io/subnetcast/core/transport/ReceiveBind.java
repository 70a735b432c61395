package io.subnetcast.core.transport;

import io.subnetcast.core.wire.LogSafe;
import java.util.Locale;

/**
 * What a receive socket is bound to before it joins its multicast groups.
 *
 * <p>Binding to the group address lets the kernel drop datagrams of other groups that share the
 * port, but only some systems allow it: Linux and macOS do, Windows refuses to bind a socket to a
 * multicast address. Bound to the wildcard address, a socket may also see datagrams of other groups
 * on its port (on Linux, of groups any socket of the host joined, unless {@code IP_MULTICAST_ALL}
 * is off; the JDK turns it off for NIO sockets and the transport for epoll ones; what Windows and
 * macOS deliver has not been tried), and the protocol drops them: every datagram names its task or
 * session.
 *
 * <p>What the protocol cannot tell apart is a control message of the same task id sent to another
 * control group on the same port: control messages name their task, not their group, and the NIO
 * transport does not report the group a datagram was sent to. Where sockets are bound to the
 * wildcard address without a kernel filter by group (possibly Windows), deployments that share a
 * control port must not share task ids, or must use different control ports.
 */
public enum ReceiveBind {
    /** Bind to the group's own address and port: the default on Linux and macOS. */
    GROUP,
    /** Bind to the wildcard address on the group's port, shared by the groups of that port: the default on Windows. */
    WILDCARD;

    /**
     * The default for an operating system.
     *
     * @param osName the value of the {@code os.name} system property, or null if unknown
     * @return {@link #WILDCARD} on Windows, {@link #GROUP} everywhere else
     */
    public static ReceiveBind forOs(String osName) {
        return osName != null && osName.toLowerCase(Locale.ROOT).startsWith("windows") ? WILDCARD : GROUP;
    }

    /**
     * Parses a setting as a command line gives it.
     *
     * @param text {@code group} or {@code wildcard}, in any case
     * @return the mode
     * @throws IllegalArgumentException naming the accepted values for anything else
     */
    public static ReceiveBind parse(String text) {
        if (text != null) {
            for (ReceiveBind mode : values()) {
                if (mode.name().equalsIgnoreCase(text.trim())) {
                    return mode;
                }
            }
        }
        throw new IllegalArgumentException("bind mode must be 'group' or 'wildcard', not '" + LogSafe.of(String.valueOf(text)) + "'");
    }
}
