package io.subnetcast.core.engine;

import io.subnetcast.core.session.SessionProgress;

/**
 * A progress report for one task, sent on state changes and periodically while it runs.
 *
 * @param progress the numbers: state, role, bytes held, members known and complete, ...
 * @param bytesPerSecond verified bytes gained per second since the previous report
 * @param reason why the state last changed
 */
public record ProgressEvent(SessionProgress progress, double bytesPerSecond, String reason) {
}
