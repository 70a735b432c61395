/**
 * The public entry point: a {@link io.subnetcast.core.engine.SubnetcastEngine} runs the sessions of
 * any number of {@link io.subnetcast.core.engine.DistributionTask}s on one network interface, and
 * gives a {@link io.subnetcast.core.engine.DistributionHandle} per task with its completion, its
 * progress and pause, resume and cancel.
 *
 * <p>One event-loop thread owns every protocol state machine of an engine; the HTTP fetcher and the
 * whole-file verification run on their own threads and post their results back to it. On that
 * thread a {@link io.subnetcast.core.engine.DatagramDispatcher} hands each received datagram to the
 * agents it is for; the simulator receives through the same class.
 */
package io.subnetcast.core.engine;
