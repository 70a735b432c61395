/**
 * The one time source of the library. Protocol code never calls {@link java.lang.System#nanoTime()}
 * itself: it is handed a {@link io.subnetcast.core.clock.NanoClock}, so that tests can drive it with
 * a {@link io.subnetcast.core.clock.ManualClock} and no wall-clock jump can ever change a decision.
 */
package io.subnetcast.core.clock;
