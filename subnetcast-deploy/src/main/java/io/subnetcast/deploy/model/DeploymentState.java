package io.subnetcast.deploy.model;

/**
 * Where a deployment stands. Only {@link #RUNNING} and {@link #COMPLETED} offer the release to
 * devices; running sessions of a paused or halted deployment pause too.
 */
public enum DeploymentState {
    /** Waves open on their schedule and their gates. */
    RUNNING,
    /** Paused by an admin: no device gets the release until it is resumed. */
    PAUSED,
    /** Paused by the halt rule; the reason says which figures tripped it. An admin may resume it. */
    HALTED,
    /** Every wave is open; devices that appear later are still offered the release. */
    COMPLETED,
    /** A newer release of the product replaced it; nothing more is offered. */
    SUPERSEDED;

    /** @return whether devices are offered the release in this state */
    public boolean offers() {
        return this == RUNNING || this == COMPLETED;
    }

    /** @return the lower-case name used in JSON and metrics */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
