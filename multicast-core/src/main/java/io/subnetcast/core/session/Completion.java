package io.subnetcast.core.session;

import io.subnetcast.core.cache.TrustedManifest;
import io.subnetcast.core.peers.PeerDirectory;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The package's way to the destination, whichever role the agent has: the cache entry opened for a
 * layout, the trusted manifest applied to it, the origin download's results, publishing, recovery
 * from the origin after a SHA-256 mismatch, and the linger after completion that decides when the
 * agent is finished.
 */
final class Completion {
    private static final Logger LOG = LoggerFactory.getLogger(SessionAgent.class);

    private final AgentContext agent;
    private boolean publishRequested;
    private boolean published;
    private Path publishedPath;
    private long lingerUntilNs;
    private long bytesFromOrigin;

    Completion(AgentContext agent) {
        this.agent = agent;
    }

    /**
     * The task's trusted manifest arrived: the use of basis files is prepared, and the election may
     * claim (or the session heard of meanwhile is followed).
     */
    void onTrustedManifest(TrustedManifest manifest, long nowNs) {
        if (!agent.awaitingManifest || agent.state.isTerminal()) {
            return;
        }
        agent.awaitingManifest = false;
        agent.trusted = manifest;
        if (!agent.basis.prepare(manifest, nowNs)) {
            return; // the task failed
        }
        agent.leadership.onManifestArrived(nowNs, "trusted manifest of " + manifest.layout() + " in hand");
    }

    /** Representative: the origin's answer to the probe gives the layout; the term's pass can start. */
    void onPackageInfo(long length, String validator, boolean acceptsRanges, long nowNs) {
        if (agent.role != Role.REPRESENTATIVE || agent.state.isTerminal()) {
            return;
        }
        agent.originAcceptsRanges = acceptsRanges;
        agent.originProbed = true;
        String identity = agent.task.contentIdentityOrNull();
        if (identity == null) {
            identity = "origin:" + length + ":" + validator;
        }
        int blockSize = agent.config.blockSize();
        if (agent.trusted != null) {
            if (agent.trusted.layout().length() != length) {
                agent.fail(nowNs, "the origin " + agent.task.origin() + " serves " + length
                        + " bytes but the trusted manifest describes " + agent.trusted.layout().length());
                return;
            }
            blockSize = agent.trusted.layout().blockSize();
        }
        if (openStore(length, blockSize, identity, nowNs) && !agent.basis.inProgress()) {
            agent.leadership.startTermPass(nowNs); // else the basis scan's end starts it
        }
    }

    void onBlockFetched(int index) {
        if (agent.store != null && agent.store.layout().isValidIndex(index)) {
            bytesFromOrigin += agent.store.layout().lengthOf(index);
            if (agent.store.isComplete()) {
                agent.fetching = false;
                requestPublish();
            }
        }
    }

    void onFetchFailed(String reason, long nowNs) {
        agent.fetching = false;
        if (agent.term != null && agent.store != null && !agent.originProbed && agent.basis.wasUsed()) {
            // Only the probe of a representative whose entry came from its manifest and basis: what the
            // basis held may be all it needs. Without the origin's word on ranges, the gaps come with
            // the download, which fails with the reason if the origin is really gone.
            LOG.warn("task {}: probing the origin failed ({}); going on with what the basis files hold",
                    agent.task.taskId(), reason);
            agent.originProbed = true;
            agent.originAcceptsRanges = false;
            if (!agent.basis.inProgress()) {
                agent.leadership.startTermPass(nowNs);
            }
            return;
        }
        agent.fail(nowNs, reason);
    }

    /**
     * Opens the cache entry for a layout, keeping the open one when it is the same.
     *
     * @return false when the entry cannot be opened; the task failed then
     */
    boolean openStore(long length, int blockSize, String identity, long nowNs) {
        if (agent.store != null && agent.store.layout().length() == length
                && agent.store.layout().blockSize() == blockSize && agent.store.identity().equals(identity)) {
            return true;
        }
        try {
            if (agent.store != null) {
                agent.store.close();
                // Everything sized to or bound to the old entry's layout goes with it.
                agent.planner.stop(nowNs, "cache entry replaced");
                if (agent.term != null) {
                    agent.term.onStoreReplaced();
                }
            }
            agent.tracker = null; // its chunks belong to the entry closed here
            agent.basis.forgetHoldings(); // and so do the units the basis files put into it
            agent.store = agent.port.openStore(agent.task.taskId(), length, blockSize, identity);
            agent.haves.reset(new PeerDirectory(agent.store.layout().blockCount(), agent.config.maxMembers()));
            if (agent.trusted != null) {
                agent.trusted.applyTo(agent.store); // cached blocks that disagree are dropped here
            }
            return true;
        } catch (IOException | RuntimeException e) {
            agent.store = null;
            agent.fail(nowNs, "cannot open the cache for task '" + agent.task.taskId() + "': " + e.getMessage());
            return false;
        }
    }

    /** The cache entry is complete: verify and place it, once. */
    void requestPublish() {
        if (!publishRequested) {
            publishRequested = true;
            agent.cancelFetch(); // peers completed what the download was still fetching
            agent.port.publish(agent.task, agent.store);
        }
    }

    void onPublished(Path path, long nowNs) {
        published = true;
        agent.planner.stop(nowNs, "package in place");
        publishedPath = path;
        lingerFrom(nowNs);
        if (agent.role == Role.MEMBER) {
            // Every member of a large session may complete in the same instant (one parity burst
            // repairs them all): the news is spread over a report interval there.
            long reportedBy = agent.member.reportSoon(nowNs);
            if (agent.store != null && agent.sessionId != 0) {
                long advertisedBy = agent.haves.sendSoon(nowNs);
                reportedBy = advertisedBy - reportedBy > 0 ? advertisedBy : reportedBy;
            }
            if (reportedBy - lingerUntilNs >= 0) {
                lingerUntilNs = reportedBy + 1; // leaves only once the representative and peers heard it
            }
        }
        if (agent.term != null) {
            agent.term.onPublished("package verified and placed at " + path, nowNs);
        } else {
            agent.transition(AgentState.COMPLETE, nowNs, "package verified and placed at " + path);
        }
    }

    /** See {@link SessionAgent#onPublishMismatch}. */
    void onPublishMismatch(String reason, long nowNs) {
        if (agent.term != null && agent.sessionId != 0) {
            agent.term.sendFailedEnd();
        }
        if (agent.role != Role.MEMBER || agent.recoveringFromOrigin || agent.store == null) {
            agent.fail(nowNs, reason);
            return;
        }
        LOG.warn("task {}: {}; fetching the package from the origin instead", agent.task.taskId(), reason);
        publishRequested = false;
        recoverFromOrigin(nowNs, "recovering from the origin after a SHA-256 mismatch");
    }

    /** Leaves the session and downloads every missing block from the origin, once. */
    void recoverFromOrigin(long nowNs, String reason) {
        agent.recoveringFromOrigin = true;
        agent.leaveSession(nowNs);
        agent.transition(AgentState.REPAIRING, nowNs, reason);
        agent.fetching = true;
        agent.port.fetchMissing(agent.task, agent.store, block -> true);
    }

    /** The linger (serving after completion) counts from {@code nowNs}. */
    void lingerFrom(long nowNs) {
        lingerUntilNs = nowNs + agent.config.linger().toNanos();
    }

    /** Someone still made progress at {@code nowNs}: the linger lasts at least that long from it. */
    void extendLinger(long nowNs) {
        lingerUntilNs = Math.max(lingerUntilNs, nowNs + agent.config.linger().toNanos());
    }

    /** The end of the linger is an event once; after it the owner removes the finished agent. */
    long lingerWakeNs(long nowNs) {
        return lingerUntilNs - nowNs > 0 ? lingerUntilNs : Long.MAX_VALUE;
    }

    /** @return whether the agent is terminal, or complete and no longer needed by its session */
    boolean isFinished(long nowNs) {
        if (agent.state.isTerminal()) {
            return true;
        }
        if (agent.state != AgentState.COMPLETE) {
            return false;
        }
        if (agent.term != null) {
            return agent.term.isDone(nowNs, lingerUntilNs);
        }
        Member member = agent.member;
        return nowNs - lingerUntilNs >= 0
                || (member.sessionEnded() && member.membersKnown() > 0 && member.membersComplete() >= member.membersKnown());
    }

    boolean published() {
        return published;
    }

    /**
     * @return whether the entry is being verified and placed (or was): from then on it is read-only,
     *     on the verifier's thread before this one hears that it is placed
     */
    boolean publishRequested() {
        return publishRequested;
    }

    Path publishedPath() {
        return publishedPath;
    }

    /** @return bytes the origin download (not repair) brought in */
    long bytesFromOrigin() {
        return bytesFromOrigin;
    }
}
