package io.subnetcast.core.sim;

import io.netty.buffer.ByteBuf;
import io.subnetcast.core.clock.ManualClock;
import io.subnetcast.core.repair.PeerTransfer;
import io.subnetcast.core.session.SessionAgent;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * The simulated network: subnets of {@link SimNode}s, a virtual clock and a queue of datagrams in
 * flight. Multicast reaches the nodes of the sender's subnet that listen to the group; faults are
 * drawn from one seeded random source so that a run is reproducible.
 *
 * <p>Like the engine's work cycle, a node does its work after an event reached it (datagrams, a
 * fetch result, a scheduled task) and when its earliest timer is due, not at every step of the
 * LAN: the nodes' timers wait in a queue of their own. With a thousand nodes, a step that visited
 * every node made the run's cost grow with the square of the group.
 */
public final class SimulatedLan {
    /** Link and fault settings; mutable so that a test can change them mid-run. */
    public static final class Faults {
        /** Fraction of control datagrams each receiver loses. */
        public double controlLoss;
        /** Fraction of data datagrams each receiver loses. */
        public double dataLoss;
        /** Fraction of datagrams delivered twice. */
        public double duplication;
        /** One-way delay in nanoseconds. */
        public long delayNs = 100_000;
        /** Extra random delay up to this many nanoseconds, which reorders datagrams. */
        public long jitterNs;
        /** Until this virtual time every data datagram is lost at every receiver: a burst. */
        public long dataBlackoutUntilNs = Long.MIN_VALUE;
    }

    private record InFlight(long atNs, long order, SimNode to, ByteBuf datagram, boolean data)
            implements Comparable<InFlight> {
        @Override
        public int compareTo(InFlight other) {
            int byTime = Long.compare(atNs, other.atNs);
            return byTime != 0 ? byTime : Long.compare(order, other.order);
        }
    }

    /** A task at a time; it affects every node ({@code all}), one node ({@code touches}) or none. */
    private record Timed(long atNs, long order, boolean all, SimNode touches, Runnable task) implements Comparable<Timed> {
        @Override
        public int compareTo(Timed other) {
            int byTime = Long.compare(atNs, other.atNs);
            return byTime != 0 ? byTime : Long.compare(order, other.order);
        }
    }

    /** A node's timer: stale once the node's wake stamp moved on. */
    private record Wake(long atNs, long order, SimNode node, long stamp) implements Comparable<Wake> {
        @Override
        public int compareTo(Wake other) {
            int byTime = Long.compare(atNs, other.atNs);
            return byTime != 0 ? byTime : Long.compare(order, other.order);
        }
    }

    private static final int IP_UDP_OVERHEAD = 28;

    private final ManualClock clock = new ManualClock();
    private final PriorityQueue<Timed> timed = new PriorityQueue<>();
    private final SplittableRandom random;
    private final PriorityQueue<InFlight> inFlight = new PriorityQueue<>();
    private final List<SimNode> nodes = new ArrayList<>();
    private final Map<Integer, List<SimNode>> bySubnet = new HashMap<>();
    private final Map<String, SimNode> byName = new HashMap<>();
    private final Map<SessionAgent, SimNode> byAgent = new IdentityHashMap<>();
    private final PriorityQueue<Wake> wakes = new PriorityQueue<>();
    // Nodes that work at the end of the current step, by index.
    private final BitSet touched = new BitSet();
    private boolean touchAll = true;
    private final Faults faults = new Faults();
    private final Path workDirectory;
    private final SimOrigin origin;
    private Predicate<SimNode[]> reachable = pair -> true;
    private PeerTransfer peerTransfer;
    private BiConsumer<InetSocketAddress, ByteBuf> tap = (group, datagram) -> { };
    private long order;
    private int stalledSteps;
    private long delivered;
    private long dropped;
    private boolean retireFinishedAgents;
    private long lostDataBytes;

    /**
     * @param seed seed of every random decision in the run
     * @param workDirectory where nodes keep their caches
     * @param origin the HTTP origin nodes fetch from
     */
    public SimulatedLan(long seed, Path workDirectory, SimOrigin origin) {
        this.random = new SplittableRandom(seed);
        this.workDirectory = workDirectory;
        this.origin = origin;
    }

    /** @return the virtual clock */
    public ManualClock clock() {
        return clock;
    }

    /** @return the current virtual time */
    public long nowNs() {
        return clock.nanoTime();
    }

    /** @return the fault settings, live */
    public Faults faults() {
        return faults;
    }

    /** @return the origin */
    public SimOrigin origin() {
        return origin;
    }

    /**
     * Sets how gap repair moves bytes between the nodes and from the origin (a simulated transfer
     * in virtual time); each node hands the completions to its agent as its own events.
     *
     * @param transfer the transfer, or null for none
     */
    public void setPeerTransfer(PeerTransfer transfer) {
        this.peerTransfer = transfer;
    }

    /** @return the transfer gap repair uses, or null */
    PeerTransfer peerTransfer() {
        return peerTransfer;
    }

    /**
     * Makes nodes retire an agent once it is finished, as the engine does: its datagrams are no
     * longer dispatched and its cache entry is closed (three open files per node otherwise; ten
     * thousand nodes would exceed the process's limit). Off by default: most tests inspect
     * finished agents' caches.
     *
     * @param value whether to retire
     */
    public void retireFinishedAgents(boolean value) {
        this.retireFinishedAgents = value;
    }

    boolean retiresFinishedAgents() {
        return retireFinishedAgents;
    }

    /** @return every node ever added */
    public List<SimNode> nodes() {
        return nodes;
    }

    /** @return datagrams delivered so far */
    public long delivered() {
        return delivered;
    }

    /** @return payload bytes of data datagrams lost to injected random loss, summed over receivers (unsealed sizes) */
    public long lostDataBytes() {
        return lostDataBytes;
    }

    /** @return datagrams lost to injected loss, partitions or full link queues */
    public long dropped() {
        return dropped;
    }

    /**
     * Adds a node (not started).
     *
     * @param name a readable name, also its cache folder
     * @param subnet the subnet it is on
     * @return the node
     */
    public SimNode addNode(String name, int subnet) {
        SimNode node = new SimNode(this, nodes.size(), name, subnet, random.nextLong(), random.split(),
                workDirectory.resolve(name));
        nodes.add(node);
        bySubnet.computeIfAbsent(subnet, s -> new ArrayList<>()).add(node);
        byName.putIfAbsent(name, node);
        touchAll = true;
        return node;
    }

    /**
     * Restricts which pairs of nodes can reach each other (a partition); the predicate gets
     * {sender, receiver}.
     *
     * @param canReach the rule; {@code pair -> true} heals everything
     */
    public void setReachability(Predicate<SimNode[]> canReach) {
        this.reachable = canReach;
    }

    /**
     * Runs a task at a virtual time (not before the current step ends); every node works after it.
     *
     * @param atNs when
     * @param task what
     */
    public void schedule(long atNs, Runnable task) {
        timed.add(new Timed(Math.max(atNs, nowNs()), order++, true, null, task));
    }

    /**
     * Runs a task that hands one node an event (a completion): only that node works after it.
     *
     * @param node the node the task affects
     * @param atNs when
     * @param task what
     */
    public void scheduleFor(SimNode node, long atNs, Runnable task) {
        timed.add(new Timed(Math.max(atNs, nowNs()), order++, false, node, task));
    }

    /**
     * Runs a task that affects no node by itself (a transfer that ends by handing a node its
     * completion through {@link #scheduleFor}).
     *
     * @param atNs when
     * @param task what
     */
    public void scheduleInBackground(long atNs, Runnable task) {
        timed.add(new Timed(Math.max(atNs, nowNs()), order++, false, null, task));
    }

    /**
     * @param host a node name, as used in its block server URL
     * @return the node, or null
     */
    public SimNode node(String host) {
        return byName.get(host);
    }

    /** Records which node an agent runs on, so that an origin delivery makes only that node work. */
    void registerAgent(SessionAgent agent, SimNode node) {
        byAgent.put(agent, node);
    }

    /**
     * Sees every datagram sent on the LAN, as a host in promiscuous mode would (an eavesdropper).
     *
     * @param listener given the group and a view of the datagram, valid during the call only
     */
    public void tap(BiConsumer<InetSocketAddress, ByteBuf> listener) {
        this.tap = listener;
    }

    /**
     * Sends raw bytes from a node, as a hostile host does: they reach every node of its subnet that
     * listens to the group, with the LAN's faults.
     *
     * @param from the sending node (need not run any task)
     * @param group the destination group
     * @param datagram the bytes; released by this call
     * @param data whether to treat it as data (data loss and blackouts apply) or control
     */
    public void inject(SimNode from, InetSocketAddress group, ByteBuf datagram, boolean data) {
        multicast(from, group, datagram, data);
    }

    /** Multicasts a datagram from a node to its subnet's listeners of a group; takes ownership. */
    void multicast(SimNode from, InetSocketAddress group, ByteBuf datagram, boolean data) {
        try {
            tap.accept(group, datagram.duplicate());
            for (SimNode to : bySubnet.getOrDefault(from.subnet(), List.of())) {
                if (to == from || !to.isUp() || to.isSuspended() || !to.listensTo(group)) {
                    continue;
                }
                if (!reachable.test(new SimNode[] {from, to})) {
                    dropped++;
                    continue;
                }
                if (data && to.isDataBlocked()) {
                    dropped++;
                    continue;
                }
                if (data && nowNs() < faults.dataBlackoutUntilNs) { // virtual time never wraps
                    dropped++;
                    continue;
                }
                double loss = data ? faults.dataLoss : faults.controlLoss;
                if (loss > 0 && random.nextDouble() < loss) {
                    dropped++;
                    if (data) {
                        lostDataBytes += Math.max(0, datagram.readableBytes() - io.subnetcast.core.wire.DataHeader.LENGTH);
                    }
                    continue;
                }
                int copies = faults.duplication > 0 && random.nextDouble() < faults.duplication ? 2 : 1;
                for (int copy = 0; copy < copies; copy++) {
                    long sentNs = nowNs();
                    if (to.link() != null) {
                        sentNs = to.link().admit(sentNs, datagram.readableBytes() + IP_UDP_OVERHEAD);
                        if (sentNs < 0) {
                            dropped++;
                            continue;
                        }
                    }
                    long jitter = faults.jitterNs > 0 ? random.nextLong(faults.jitterNs) : 0;
                    inFlight.add(new InFlight(sentNs + faults.delayNs + jitter, order++, to,
                            datagram.retainedDuplicate(), data));
                }
            }
        } finally {
            datagram.release();
        }
    }

    /**
     * Runs the LAN until the condition holds or the virtual time limit passes.
     *
     * @param condition checked after every step
     * @param limitNs virtual nanoseconds to run at most
     * @return true if the condition held
     */
    public boolean runUntil(BooleanSupplier condition, long limitNs) {
        // Between runs a test may have started, crashed, suspended or woken nodes: every timer is
        // read again.
        touchAll = true;
        refreshWakes();
        long endNs = nowNs() + limitNs;
        while (!condition.getAsBoolean()) {
            long nextNs = nextEventNs();
            if (nextNs - endNs > 0) {
                clock.advanceNs(Math.max(0, endNs - nowNs()));
                return condition.getAsBoolean();
            }
            if (nextNs > nowNs()) {
                stalledSteps = 0;
                clock.advanceNs(nextNs - nowNs());
            } else if (++stalledSteps > 100_000) {
                throw new IllegalStateException("the simulation makes no progress: " + describeEager());
            }
            step();
        }
        return true;
    }

    /**
     * Runs the LAN for a span of virtual time.
     *
     * @param spanNs virtual nanoseconds
     */
    public void runFor(long spanNs) {
        runUntil(() -> false, spanNs);
    }

    private long nextEventNs() {
        long next = Long.MAX_VALUE;
        InFlight head = inFlight.peek();
        if (head != null) {
            next = head.atNs;
        }
        next = Math.min(next, origin.nextEventNs(this::heldByStall));
        Timed first = timed.peek();
        if (first != null) {
            next = Math.min(next, first.atNs);
        }
        while (!wakes.isEmpty() && wakes.peek().stamp != wakes.peek().node.wakeStamp) {
            wakes.poll(); // superseded
        }
        Wake wake = wakes.peek();
        if (wake != null) {
            next = Math.min(next, wake.atNs);
        }
        return Math.max(next, nowNs());
    }

    private String describeEager() {
        StringBuilder out = new StringBuilder();
        for (SimNode node : nodes) {
            if (node.isUp() && !node.isSuspended() && !node.isStalled() && node.nextWakeNs(nowNs()) <= nowNs()) {
                out.append(node.name()).append(' ').append(node.describe()).append("; ");
            }
        }
        return out.length() == 0 ? "no agent wants to run, yet the next event is now" : out.toString();
    }

    private void step() {
        long now = nowNs();
        while (!inFlight.isEmpty() && inFlight.peek().atNs <= now) {
            InFlight datagram = inFlight.poll();
            try {
                if (datagram.to.isUp() && datagram.to.isStalled()) {
                    datagram.to.queue(datagram.datagram, datagram.data); // waits in its socket
                } else if (datagram.to.isUp() && !datagram.to.isSuspended()) {
                    delivered++;
                    datagram.to.receive(datagram.datagram, datagram.data);
                    touched.set(datagram.to.index());
                }
            } finally {
                datagram.datagram.release();
            }
        }
        origin.deliverDue(now, this::heldByStall, agent -> {
            SimNode node = byAgent.get(agent);
            if (node == null) {
                touchAll = true;
            } else {
                touched.set(node.index());
            }
        });
        while (!timed.isEmpty() && timed.peek().atNs <= now) {
            Timed task = timed.poll();
            if (task.touches != null && task.touches.isStalled()) {
                task.touches.defer(task.task); // a completion waits for the stalled loop
                continue;
            }
            task.task.run();
            if (task.all) {
                touchAll = true;
            } else if (task.touches != null) {
                touched.set(task.touches.index());
            }
        }
        while (!wakes.isEmpty() && wakes.peek().atNs <= now) {
            Wake wake = wakes.poll();
            if (wake.stamp == wake.node.wakeStamp) {
                touched.set(wake.node.index());
            }
        }
        if (touchAll) {
            touched.set(0, nodes.size());
        }
        for (int i = touched.nextSetBit(0); i >= 0; i = touched.nextSetBit(i + 1)) {
            SimNode node = nodes.get(i);
            if (node.isUp() && !node.isSuspended() && !node.isStalled()) {
                node.doWork();
            }
        }
        refreshWakes();
    }

    /** A stalled node ran again: it works at the end of this step and its timers are read again. */
    void touch(SimNode node) {
        touched.set(node.index());
    }

    /** Whether an agent's node is stalled: the origin's bytes for it wait, as its loop reads no socket. */
    private boolean heldByStall(SessionAgent agent) {
        SimNode node = byAgent.get(agent);
        return node != null && node.isStalled();
    }

    /** Reads the timers of the nodes that worked (or all of them) into the queue. */
    private void refreshWakes() {
        if (touchAll) {
            touched.set(0, nodes.size());
            touchAll = false;
        }
        long now = nowNs();
        for (int i = touched.nextSetBit(0); i >= 0; i = touched.nextSetBit(i + 1)) {
            SimNode node = nodes.get(i);
            node.wakeStamp++;
            if (node.isUp() && !node.isSuspended() && !node.isStalled()) {
                long at = node.nextWakeNs(now);
                if (at != Long.MAX_VALUE) {
                    wakes.add(new Wake(Math.max(at, now), order++, node, node.wakeStamp));
                }
            }
        }
        touched.clear();
        if (wakes.size() > 8 * nodes.size() + 1024) {
            // Superseded timers far in the future would pile up until their time: drop them now.
            wakes.removeIf(wake -> wake.stamp != wake.node.wakeStamp);
        }
    }

    /** Releases every datagram still in flight. */
    public void close() {
        for (InFlight datagram : inFlight) {
            datagram.datagram.release();
        }
        inFlight.clear();
        for (SimNode node : nodes) {
            node.crash();
        }
    }
}
