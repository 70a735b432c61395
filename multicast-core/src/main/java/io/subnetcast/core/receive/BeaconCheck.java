package io.subnetcast.core.receive;

import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.BlockLayout;
import io.subnetcast.core.wire.DataHeader;
import io.subnetcast.core.wire.proto.Beacon;
import io.subnetcast.core.wire.proto.SessionPhase;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;

/**
 * Whether a beacon describes a session this agent can follow, judged on every field before the
 * agent changes anything: a representative that stepped down for a beacon it then could not follow
 * would leave its members without a representative (a forged beacon with a unicast "group" did
 * exactly that). Also the check of the block-server URLs that beacons and advertisements carry.
 */
public final class BeaconCheck {
    /** Longest URL or content identity taken from the network. */
    private static final int MAX_URL_LENGTH = 2048;
    private static final int MAX_IDENTITY_LENGTH = 1024;
    /** Largest UDP payload of an IPv4 datagram. */
    private static final int MAX_UDP_PAYLOAD = 65_507;

    private BeaconCheck() {
    }

    /**
     * @param beacon a representative's beacon
     * @param trusted the layout of the task's trusted manifest, or null when it has none
     * @param identity the content identity the task pins (its SHA-256), or null
     * @return the session's data group when every field can be followed, else null
     */
    public static InetSocketAddress followableDataGroup(Beacon beacon, BlockLayout trusted, String identity) {
        if (!isAcceptable(beacon, trusted, identity)) {
            return null;
        }
        try {
            InetAddress group = Inet4Address.getByAddress(beacon.getDataGroup().toByteArray());
            return group.isMulticastAddress() ? new InetSocketAddress(group, beacon.getDataPort()) : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean isAcceptable(Beacon beacon, BlockLayout trusted, String identity) {
        SessionPhase phase = beacon.getPhase();
        if (phase != SessionPhase.PHASE_WAITING && phase != SessionPhase.PHASE_SENDING && phase != SessionPhase.PHASE_PAUSED
                && phase != SessionPhase.PHASE_ENDED) {
            return false; // a phase this agent could not act on
        }
        if (beacon.getDataGroup().size() != 4 || beacon.getDataPort() < 1 || beacon.getDataPort() > 65_535) {
            return false;
        }
        if (beacon.getContentIdentity().length() > MAX_IDENTITY_LENGTH || beacon.getRepairUrl().length() > MAX_URL_LENGTH) {
            return false;
        }
        if (beacon.getBlockSize() != 0) {
            if (beacon.getBlockSize() < BlockLayout.MIN_BLOCK_SIZE || beacon.getBlockSize() > BlockLayout.MAX_BLOCK_SIZE
                    || beacon.getPackageLength() < 0 || beacon.getChunkSize() < 1
                    || beacon.getChunkSize() > Math.min(beacon.getBlockSize(), MAX_UDP_PAYLOAD - DataHeader.LENGTH)) {
                return false;
            }
            try {
                if (new BlockLayout(beacon.getPackageLength(), beacon.getBlockSize()).blockCount() > BlockFile.MAX_BLOCKS) {
                    return false; // the cache would refuse it: following would fail the task
                }
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        if (trusted != null && beacon.getBlockSize() != 0 && (beacon.getBlockSize() != trusted.blockSize()
                || beacon.getPackageLength() != trusted.length())) {
            return false; // a session of other content, or a representative that lies about it
        }
        // A task that names its SHA-256 joins only sessions of that content.
        return identity == null || beacon.getContentIdentity().isEmpty() || identity.equals(beacon.getContentIdentity());
    }

    /**
     * @param value a block server's URL as a peer advertised it
     * @return the URL when it is an absolute http, https (or simulated) URL with a host, else null
     */
    public static URI blockServerUrl(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_URL_LENGTH) {
            return null;
        }
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme();
            return scheme != null && (scheme.equals("http") || scheme.equals("https") || scheme.equals("sim"))
                    && uri.getHost() != null ? uri : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
