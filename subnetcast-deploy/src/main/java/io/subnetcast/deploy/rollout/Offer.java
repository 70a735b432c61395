package io.subnetcast.deploy.rollout;

import io.subnetcast.deploy.model.Artifact;
import io.subnetcast.deploy.model.RetryRule;

/**
 * The answer to a device that asks what to install.
 *
 * @param kind what the device is to do
 * @param artifact what to install, when {@code kind} is {@link Kind#INSTALL} or {@link Kind#HOLD}
 * @param retry the platform's retry rule, with the artifact
 * @param notBeforeMs earliest start of the next try (epoch ms), 0 for now
 * @param why one line for the device's log and the dashboard
 */
public record Offer(Kind kind, Artifact artifact, RetryRule retry, long notBeforeMs, String why) {
    /** What a device is to do. */
    public enum Kind {
        /** Install the artifact (from {@code notBeforeMs} on). */
        INSTALL,
        /** The deployment is paused: keep what is cached, pause a running session, start nothing new. */
        HOLD,
        /** Nothing to do; {@code why} says why. */
        NOTHING
    }

    static Offer nothing(String why) {
        return new Offer(Kind.NOTHING, null, null, 0, why);
    }
}
