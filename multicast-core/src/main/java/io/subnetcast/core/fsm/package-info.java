/**
 * The one form every protocol state machine in the core takes.
 *
 * <p>After Aeron's {@code Election}: each part (the election, and in time the representative, the
 * member and the repair) documents its states as an enum, declares which transitions it allows,
 * and changes state only through {@link io.subnetcast.core.fsm.StateMachine#to}, which checks the
 * transition, logs it, counts entries per state and timestamps the change. A transition the table
 * does not allow is a bug in the part, and fails loudly (the fuzz targets find such bugs).
 */
package io.subnetcast.core.fsm;
