package io.subnetcast.core.session;

import io.subnetcast.core.cache.BlockLayout;
import io.subnetcast.core.send.ReportSchedule;
import io.subnetcast.core.wire.DataHeader;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;

/**
 * Protocol settings of the sessions an engine runs: timings, sizes and the data groups sessions
 * may use. Immutable; build with {@link #builder()}, which documents every default.
 */
public final class SessionConfig {
    /** Default start delay: 1 minute, as the multicast products this follows use. */
    public static final Duration DEFAULT_START_DELAY = Duration.ofMinutes(1);
    /**
     * How far behind the pass a member repairs by default while the pass runs: twice the 4 MiB
     * receive buffer, so that nothing still on its way is fetched twice. 0 turns repair during the
     * pass off ({@link Builder#repairBehindPass}).
     */
    public static final long REPAIR_BEHIND_PASS_BYTES = 8L * 1024 * 1024;
    /**
     * Default send rate, the most the adaptive rate ever sends: 500 Mbit/s, so that the pass keeps
     * pace with a download of up to about 475 Mbit/s and half of a gigabit link stays free; members
     * behind slower or congested links report loss and the rate follows them down.
     */
    public static final long DEFAULT_RATE_BPS = 500_000_000L;
    /** Default MTU: Ethernet's 1500 bytes. */
    public static final int DEFAULT_MTU = 1500;
    /** System property that turns {@link Builder#parityBeforePeers} on for every session built after it is set. */
    public static final String PARITY_BEFORE_PEERS_PROPERTY = "subnetcast.parityBeforePeers";
    /** IPv4 (20) and UDP (8) header bytes inside the MTU. */
    public static final int IP_UDP_OVERHEAD = DataHeader.IP_UDP_OVERHEAD;

    private final Duration startDelay;
    private final long rateBitsPerSecond;
    private final int mtu;
    private final int blockSize;
    private final Duration beaconInterval;
    private final Duration discoveryTimeout;
    private final Duration claimJitter;
    private final Duration claimWindow;
    private final Duration statusInterval;
    private final Duration memberTimeout;
    private final Duration representativeTimeout;
    private final Duration linger;
    private final Duration nakInterval;
    private final Inet4Address dataGroupBase;
    private final int dataGroupCount;
    private final int dataPort;
    private final int maxMembers;
    private final Duration haveInterval;
    private final int nakThreshold;
    private final Duration repairDelay;
    private final long repairBehindPassBytes;
    private final boolean parityBeforePeers;
    private final Duration dataSilenceLimit;
    private final boolean adaptiveRate;
    private final int statusesPerSecond;
    private final int advertsPerSecond;
    private final ReportSchedule reportSchedule;

    private SessionConfig(Builder b) {
        this.startDelay = b.startDelay;
        this.rateBitsPerSecond = b.rateBitsPerSecond;
        this.mtu = b.mtu;
        this.blockSize = b.blockSize;
        this.beaconInterval = b.beaconInterval;
        this.discoveryTimeout = b.discoveryTimeout;
        this.claimJitter = b.claimJitter;
        this.claimWindow = b.claimWindow;
        this.statusInterval = b.statusInterval;
        this.memberTimeout = b.memberTimeout;
        this.representativeTimeout = b.representativeTimeout;
        this.linger = b.linger;
        this.nakInterval = b.nakInterval;
        this.dataGroupBase = b.dataGroupBase;
        this.dataGroupCount = b.dataGroupCount;
        this.dataPort = b.dataPort;
        this.maxMembers = b.maxMembers;
        this.haveInterval = b.haveInterval;
        this.nakThreshold = b.nakThreshold;
        this.repairDelay = b.repairDelay;
        this.repairBehindPassBytes = b.repairBehindPassBytes;
        this.parityBeforePeers = b.parityBeforePeers;
        this.dataSilenceLimit = b.dataSilenceLimit;
        this.adaptiveRate = b.adaptiveRate;
        this.statusesPerSecond = b.statusesPerSecond;
        this.advertsPerSecond = b.advertsPerSecond;
        this.reportSchedule = new ReportSchedule(statusInterval.toNanos(), statusesPerSecond, haveInterval.toNanos(),
                advertsPerSecond, memberTimeout.toNanos());
    }

    /** @return a builder holding the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this configuration's values */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.startDelay = startDelay;
        b.rateBitsPerSecond = rateBitsPerSecond;
        b.mtu = mtu;
        b.blockSize = blockSize;
        b.beaconInterval = beaconInterval;
        b.discoveryTimeout = discoveryTimeout;
        b.claimJitter = claimJitter;
        b.claimWindow = claimWindow;
        b.statusInterval = statusInterval;
        b.memberTimeout = memberTimeout;
        b.representativeTimeout = representativeTimeout;
        b.linger = linger;
        b.nakInterval = nakInterval;
        b.dataGroupBase = dataGroupBase;
        b.dataGroupCount = dataGroupCount;
        b.dataPort = dataPort;
        b.maxMembers = maxMembers;
        b.haveInterval = haveInterval;
        b.nakThreshold = nakThreshold;
        b.repairDelay = repairDelay;
        b.repairBehindPassBytes = repairBehindPassBytes;
        b.parityBeforePeers = parityBeforePeers;
        b.dataSilenceLimit = dataSilenceLimit;
        b.adaptiveRate = adaptiveRate;
        b.statusesPerSecond = statusesPerSecond;
        b.advertsPerSecond = advertsPerSecond;
        return b;
    }

    /** @return how long a representative waits after its election before multicasting */
    public Duration startDelay() {
        return startDelay;
    }

    /** @return the multicast send rate in bits per second */
    public long rateBitsPerSecond() {
        return rateBitsPerSecond;
    }

    /** @return the link MTU datagrams are sized to */
    public int mtu() {
        return mtu;
    }

    /** @return payload bytes per data datagram: the MTU less IP, UDP and data headers */
    public int chunkSize() {
        return mtu - IP_UDP_OVERHEAD - DataHeader.LENGTH;
    }

    /** @return the block size, the unit of verification and repair */
    public int blockSize() {
        return blockSize;
    }

    /** @return interval between a representative's beacons */
    public Duration beaconInterval() {
        return beaconInterval;
    }

    /** @return how long a new agent listens for a session before claiming */
    public Duration discoveryTimeout() {
        return discoveryTimeout;
    }

    /** @return the random back-off before a claim is sent */
    public Duration claimJitter() {
        return claimJitter;
    }

    /** @return how long a claimant listens for better claims before it takes the role */
    public Duration claimWindow() {
        return claimWindow;
    }

    /** @return interval between a member's status reports */
    public Duration statusInterval() {
        return statusInterval;
    }

    /** @return silence after which the representative forgets a member */
    public Duration memberTimeout() {
        return memberTimeout;
    }

    /**
     * @return status reports a session's members send per second together at most: beyond
     *     {@code statusesPerSecond x statusInterval} members each member's interval grows with the
     *     session (see {@link io.subnetcast.core.send.ReportSchedule})
     */
    public int statusesPerSecond() {
        return statusesPerSecond;
    }

    /** @return holdings adverts a session's agents send per second together at most, likewise */
    public int advertsPerSecond() {
        return advertsPerSecond;
    }

    /** @return the status and advert intervals by session size, from these settings */
    ReportSchedule reportSchedule() {
        return reportSchedule;
    }

    /** @return beacon silence after which members elect a successor */
    public Duration representativeTimeout() {
        return representativeTimeout;
    }

    /** @return how long an agent keeps serving the session after it completed */
    public Duration linger() {
        return linger;
    }

    /** @return interval between a member's retransmission requests while it has gaps */
    public Duration nakInterval() {
        return nakInterval;
    }

    /** @return the most members a representative tracks; bounded against floods */
    public int maxMembers() {
        return maxMembers;
    }

    /** @return interval between an agent's advertisements of the blocks it holds */
    public Duration haveInterval() {
        return haveInterval;
    }

    /**
     * @return how many members must lack a block before the representative spends a multicast
     *     retransmission on it; fewer are served by peer repair
     */
    public int nakThreshold() {
        return nakThreshold;
    }

    /** @return time after the pass ends before peer repair starts, so the multicast round lands first */
    public Duration repairDelay() {
        return repairDelay;
    }

    /**
     * @return how far behind the pass's position a member repairs a missing block while the pass
     *     still runs (datagrams still in its socket buffer or on their way must not be fetched
     *     twice); 0 when members repair only after the pass
     */
    public long repairBehindPassBytes() {
        return repairBehindPassBytes;
    }

    /**
     * @return whether a member with a gap repair first asks the representative for parity of the
     *     blocks it got more than half of, and hands them to the gap repair only after the repair
     *     delay (an experiment, off by default; see {@link Builder#parityBeforePeers})
     */
    public boolean parityBeforePeers() {
        return parityBeforePeers;
    }

    /**
     * @return how long a member of a multicasting session may hear no data while the pass moves
     *     past blocks it lacks before it judges the data group blocked and completes over unicast
     */
    public Duration dataSilenceLimit() {
        return dataSilenceLimit;
    }

    /**
     * @return whether the representative adapts its send rate to its members' loss reports
     *     ({@link io.subnetcast.core.congestion.RateController}); the configured rate stays the ceiling
     */
    public boolean adaptiveRate() {
        return adaptiveRate;
    }

    /** @return the UDP port session data is sent to */
    public int dataPort() {
        return dataPort;
    }

    /**
     * Picks the data group of a session from the configured range, so that sessions of different
     * tasks land on different groups and agents without the task never receive its data.
     *
     * @param sessionId the session
     * @return group address and port
     */
    public InetSocketAddress dataGroupFor(long sessionId) {
        long mixed = sessionId * 0x9E3779B97F4A7C15L;
        int slot = (int) Long.remainderUnsigned(mixed ^ (mixed >>> 29), dataGroupCount);
        int address = toInt(dataGroupBase) + slot;
        try {
            InetAddress group = InetAddress.getByAddress(new byte[] {
                (byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address});
            return new InetSocketAddress(group, dataPort);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int toInt(Inet4Address address) {
        byte[] b = address.getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    /** Fluent builder; {@link #build()} validates and reports bad values clearly. */
    public static final class Builder {
        private Duration startDelay = DEFAULT_START_DELAY;
        private long rateBitsPerSecond = DEFAULT_RATE_BPS;
        private int mtu = DEFAULT_MTU;
        private int blockSize = BlockLayout.DEFAULT_BLOCK_SIZE;
        private Duration beaconInterval = Duration.ofMillis(500);
        private Duration discoveryTimeout = Duration.ofMillis(300);
        private Duration claimJitter = Duration.ofMillis(100);
        private Duration claimWindow = Duration.ofMillis(400);
        private Duration statusInterval = Duration.ofSeconds(2);
        private Duration memberTimeout = Duration.ofSeconds(10);
        private Duration representativeTimeout = Duration.ofMillis(2000);
        private Duration linger = Duration.ofSeconds(30);
        private Duration nakInterval = Duration.ofMillis(500);
        private Inet4Address dataGroupBase = (Inet4Address) literal(239, 255, 77, 0);
        private int dataGroupCount = 256;
        private int dataPort = 41_235;
        private int maxMembers = 65_536;
        private Duration haveInterval = Duration.ofSeconds(1);
        private int nakThreshold = 3;
        private Duration repairDelay = Duration.ofSeconds(1);
        private long repairBehindPassBytes = REPAIR_BEHIND_PASS_BYTES;
        private boolean parityBeforePeers = Boolean.parseBoolean(System.getProperty(PARITY_BEFORE_PEERS_PROPERTY, "false"));
        private Duration dataSilenceLimit = Duration.ofSeconds(3);
        private boolean adaptiveRate = true;
        private int statusesPerSecond = 25;
        private int advertsPerSecond = 50;

        private Builder() {
        }

        /**
         * @param value status reports all members of a session send per second at most (default 25:
         *     sessions of up to 50 members report every status interval)
         * @return this
         */
        public Builder statusesPerSecond(int value) {
            this.statusesPerSecond = value;
            return this;
        }

        /**
         * @param value holdings adverts all agents of a session send per second at most (default 50:
         *     sessions of up to 50 agents advertise every have interval)
         * @return this
         */
        public Builder advertsPerSecond(int value) {
            this.advertsPerSecond = value;
            return this;
        }

        /**
         * @param value adapt the send rate to loss reports (default true); false sends at the
         *     configured rate whatever the members lose
         * @return this
         */
        public Builder adaptiveRate(boolean value) {
            this.adaptiveRate = value;
            return this;
        }

        /** @param value advertisement interval (default 1 s) @return this */
        public Builder haveInterval(Duration value) {
            this.haveInterval = value;
            return this;
        }

        /**
         * @param value how long a member hears beacons of a multicasting session, whose pass moves
         *     past blocks it lacks, without a single data datagram before it judges the data group
         *     blocked and completes over unicast (default 3 s, six beacon intervals)
         * @return this
         */
        public Builder dataSilenceLimit(Duration value) {
            this.dataSilenceLimit = value;
            return this;
        }

        /** @param value members that must lack a block for a multicast retransmission (default 3) @return this */
        public Builder nakThreshold(int value) {
            this.nakThreshold = value;
            return this;
        }

        /** @param value delay between the end of the pass and peer repair (default 1 s) @return this */
        public Builder repairDelay(Duration value) {
            this.repairDelay = value;
            return this;
        }

        /**
         * @param bytes how far behind the pass a member repairs what it lacks while the pass runs,
         *     at least twice the receive buffer (default {@link #REPAIR_BEHIND_PASS_BYTES}, 8 MiB);
         *     0: only after the pass
         * @return this
         */
        public Builder repairBehindPass(long bytes) {
            this.repairBehindPassBytes = bytes;
            return this;
        }

        /**
         * @param value whether members with a gap repair ask for parity of their scattered gaps
         *     first (one multicast parity burst for the whole subnet instead of each member's own
         *     unicast fetches); default false, or the system property
         *     {@value SessionConfig#PARITY_BEFORE_PEERS_PROPERTY}
         * @return this
         */
        public Builder parityBeforePeers(boolean value) {
            this.parityBeforePeers = value;
            return this;
        }

        /** @param value start delay, zero or more (default 1 minute) @return this */
        public Builder startDelay(Duration value) {
            this.startDelay = value;
            return this;
        }

        /** @param value send rate in bits per second (default 100 Mbit/s) @return this */
        public Builder rateBitsPerSecond(long value) {
            this.rateBitsPerSecond = value;
            return this;
        }

        /** @param value MTU in bytes, 576 to 65535 (default 1500) @return this */
        public Builder mtu(int value) {
            this.mtu = value;
            return this;
        }

        /** @param value block size in bytes (default 1 MiB) @return this */
        public Builder blockSize(int value) {
            this.blockSize = value;
            return this;
        }

        /** @param value beacon interval (default 500 ms) @return this */
        public Builder beaconInterval(Duration value) {
            this.beaconInterval = value;
            return this;
        }

        /**
         * @param value how long a starting agent looks for a session before it claims the role, asking
         *     at the start and halfway (default 300 ms; a representative answers each question at once,
         *     and a claim too, so a session whose answer came later is still found in the claim window)
         * @return this
         */
        public Builder discoveryTimeout(Duration value) {
            this.discoveryTimeout = value;
            return this;
        }

        /** @param value claim back-off bound (default 100 ms) @return this */
        public Builder claimJitter(Duration value) {
            this.claimJitter = value;
            return this;
        }

        /** @param value claim window (default 400 ms) @return this */
        public Builder claimWindow(Duration value) {
            this.claimWindow = value;
            return this;
        }

        /** @param value member status interval (default 2 s) @return this */
        public Builder statusInterval(Duration value) {
            this.statusInterval = value;
            return this;
        }

        /** @param value member timeout at the representative (default 10 s) @return this */
        public Builder memberTimeout(Duration value) {
            this.memberTimeout = value;
            return this;
        }

        /** @param value beacon silence before re-election (default 2 s) @return this */
        public Builder representativeTimeout(Duration value) {
            this.representativeTimeout = value;
            return this;
        }

        /** @param value how long to keep serving after completion (default 30 s) @return this */
        public Builder linger(Duration value) {
            this.linger = value;
            return this;
        }

        /** @param value retransmission request interval (default 500 ms) @return this */
        public Builder nakInterval(Duration value) {
            this.nakInterval = value;
            return this;
        }

        /**
         * Sets the range of data groups sessions draw from (default 239.255.77.0 and the 255 after it).
         *
         * @param base first IPv4 multicast group
         * @param count number of consecutive groups, 1 to 65536
         * @return this
         */
        public Builder dataGroups(Inet4Address base, int count) {
            this.dataGroupBase = base;
            this.dataGroupCount = count;
            return this;
        }

        /** @param value UDP port of session data (default 41235) @return this */
        public Builder dataPort(int value) {
            this.dataPort = value;
            return this;
        }

        /** @param value most members tracked (default 65536) @return this */
        public Builder maxMembers(int value) {
            this.maxMembers = value;
            return this;
        }

        /**
         * @return the configuration
         * @throws IllegalArgumentException naming the first bad value
         */
        public SessionConfig build() {
            requireNonNegative("start delay", startDelay);
            if (rateBitsPerSecond < 8_000) {
                throw new IllegalArgumentException("rate must be at least 8 kbit/s: " + rateBitsPerSecond);
            }
            if (mtu < 576 || mtu > 65_535) {
                throw new IllegalArgumentException("MTU must be between 576 and 65535 bytes: " + mtu);
            }
            new BlockLayout(0, blockSize); // validates the block size
            if (blockSize < mtu) {
                throw new IllegalArgumentException("block size " + blockSize + " must be at least the MTU " + mtu);
            }
            for (Object[] d : new Object[][] {{"beacon interval", beaconInterval}, {"discovery timeout", discoveryTimeout},
                {"claim window", claimWindow}, {"status interval", statusInterval}, {"member timeout", memberTimeout},
                {"representative timeout", representativeTimeout}, {"retransmission request interval", nakInterval}}) {
                requirePositive((String) d[0], (Duration) d[1]);
            }
            requireNonNegative("claim jitter", claimJitter);
            requirePositive("have interval", haveInterval);
            requireNonNegative("repair delay", repairDelay);
            if (repairBehindPassBytes < 0) {
                throw new IllegalArgumentException("repair behind the pass must be 0 or more bytes: " + repairBehindPassBytes);
            }
            requirePositive("data silence limit", dataSilenceLimit);
            if (nakThreshold < 1) {
                throw new IllegalArgumentException("NAK threshold must be at least 1: " + nakThreshold);
            }
            requireNonNegative("linger", linger);
            Objects.requireNonNull(dataGroupBase, "data group base");
            if (!dataGroupBase.isMulticastAddress()) {
                throw new IllegalArgumentException("data group base " + dataGroupBase.getHostAddress() + " is not multicast");
            }
            if (dataGroupCount < 1 || dataGroupCount > 65_536) {
                throw new IllegalArgumentException("data group count must be 1 to 65536: " + dataGroupCount);
            }
            int first = toInt(dataGroupBase);
            if (((first + dataGroupCount - 1) >>> 16) != (first >>> 16)) {
                throw new IllegalArgumentException("data groups from " + dataGroupBase.getHostAddress() + " and "
                        + (dataGroupCount - 1) + " more leave the base's /16");
            }
            if (dataPort < 1 || dataPort > 65_535) {
                throw new IllegalArgumentException("data port must be 1 to 65535: " + dataPort);
            }
            if (maxMembers < 1) {
                throw new IllegalArgumentException("max members must be positive: " + maxMembers);
            }
            if (statusesPerSecond < 1 || advertsPerSecond < 1) {
                throw new IllegalArgumentException("statuses and adverts per second must be positive: "
                        + statusesPerSecond + ", " + advertsPerSecond);
            }
            return new SessionConfig(this);
        }

        private static void requirePositive(String what, Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(what + " must be positive: " + value);
            }
        }

        private static void requireNonNegative(String what, Duration value) {
            if (value == null || value.isNegative()) {
                throw new IllegalArgumentException(what + " must not be negative: " + value);
            }
        }

        private static InetAddress literal(int a, int b, int c, int d) {
            try {
                return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
