package io.subnetcast.deploy.model;

import java.util.Locale;

/** A device's standing in one deployment, as its agent reports it. */
public enum DeviceState {
    /** Known and of a platform the release ships for, but not offered (its wave is not open). */
    TARGETED,
    /** Offered; its agent has not started yet. */
    OFFERED,
    /** Its agent runs the distribution task (or waits to retry). */
    DOWNLOADING,
    /** The install command exited with 0. */
    INSTALLED,
    /** The last try failed; see the retry rule for whether another follows. */
    FAILED;

    /** @return the lower-case name used in JSON */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param text a reported state: {@code offered}, {@code downloading}, {@code installed} or {@code failed}
     * @return the state
     */
    public static DeviceState parseReported(String text) {
        for (DeviceState s : values()) {
            if (s != TARGETED && s.label().equals(text)) {
                return s;
            }
        }
        throw new InvalidInputException("a reported state is offered, downloading, installed or failed, not '"
                + Inputs.printable(text) + "'");
    }
}
