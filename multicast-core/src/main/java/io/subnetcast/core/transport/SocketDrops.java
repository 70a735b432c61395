package io.subnetcast.core.transport;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDatagramChannel;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many datagrams the kernel dropped at one receive socket because its buffer was full: the
 * datagrams a busy host did not read in time, as opposed to those a congested link dropped on the
 * way. Members take them off the loss they report, so that the representative's rate follows the
 * network and not the CPU of its busiest member (which peer repair serves instead).
 *
 * <p>Linux only, and only for epoll sockets, whose descriptor Netty exposes: the socket's inode is
 * read once from {@code /proc/self/fd}, and its counter from the last column ({@code drops}) of its
 * row in {@code /proc/self/net/udp} or {@code udp6} (the kernel's {@code sk_drops}). Elsewhere the
 * count is unknown and the reported loss stays what the sequence numbers show.
 */
final class SocketDrops {
    /** The count is not known on this platform or socket. */
    static final long UNKNOWN = -1;
    private static final Logger LOG = LoggerFactory.getLogger(SocketDrops.class);
    private static final Path[] TABLES = {Path.of("/proc/self/net/udp"), Path.of("/proc/self/net/udp6")};
    private static final int INODE_COLUMN = 9;
    private static final int MAX_LINE = 512;

    private final String inode;
    // The table that holds the socket's row (udp or udp6, by its address family): read alone.
    private final Path table;

    private SocketDrops(String inode, Path table) {
        this.inode = inode;
        this.table = table;
    }

    /**
     * @param channel a bound receive channel
     * @return its drop counter, or null when the platform or transport cannot tell
     */
    static SocketDrops of(Channel channel) {
        if (!(channel instanceof EpollDatagramChannel epoll) || !Files.isReadable(TABLES[0])) {
            return null;
        }
        try {
            String link = Files.readSymbolicLink(Path.of("/proc/self/fd/" + epoll.fd().intValue())).toString();
            String inode = inodeOf(link);
            if (inode == null) {
                return null;
            }
            for (Path table : TABLES) {
                SocketDrops drops = new SocketDrops(inode, table);
                if (drops.read() != UNKNOWN) {
                    return drops;
                }
            }
            return null;
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot find the receive socket's drop counter: {}", e.toString());
            return null;
        }
    }

    /** @return the inode of a {@code socket:[N]} link, or null */
    static String inodeOf(String link) {
        if (!link.startsWith("socket:[") || !link.endsWith("]")) {
            return null;
        }
        String digits = link.substring("socket:[".length(), link.length() - 1);
        return !digits.isEmpty() && digits.chars().allMatch(Character::isDigit) ? digits : null;
    }

    /** @return datagrams dropped at the socket since it was opened, or {@link #UNKNOWN} */
    long read() {
        try (BufferedReader reader = Files.newBufferedReader(table, StandardCharsets.US_ASCII)) {
            return find(reader, inode);
        } catch (IOException | RuntimeException e) {
            return UNKNOWN; // no udp6 table without IPv6, or the socket closed meanwhile
        }
    }

    /**
     * @param table the lines of a {@code /proc/net/udp} table, header first
     * @param inode the socket's inode
     * @return the drops column of the socket's row, or {@link #UNKNOWN} when it has none
     */
    static long find(BufferedReader table, String inode) throws IOException {
        String line = table.readLine(); // the header
        while ((line = table.readLine()) != null) {
            if (line.length() > MAX_LINE) {
                continue;
            }
            String[] columns = line.trim().split("\\s+");
            if (columns.length > INODE_COLUMN + 1 && columns[INODE_COLUMN].equals(inode)) {
                String drops = columns[columns.length - 1];
                return !drops.isEmpty() && drops.length() < 19 && drops.chars().allMatch(Character::isDigit) ? Long.parseLong(drops) : UNKNOWN;
            }
        }
        return UNKNOWN;
    }
}
