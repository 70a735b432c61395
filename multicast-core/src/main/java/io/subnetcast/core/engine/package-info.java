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
 *
 * <p>Inside, each task the engine runs is an {@code EngineTask} of three parts: the
 * {@code TaskHandle} the embedder holds (futures, progress listeners through a
 * {@code ProgressReporter}, commands posted to the engine thread), the {@code TaskPort} that carries
 * out what the task's {@link io.subnetcast.core.session.SessionAgent} does (datagrams through a
 * {@code TaskDatagramWriter}, origin requests through {@code OriginFetches}, the cache, the block
 * server, publishing), and the agent itself. {@code RunningTasks} keeps the engine's tasks and its
 * dispatcher, {@code WorkCycle} runs them on the engine thread after every event and at their
 * wake-ups, and {@code EngineResources} is what the tasks share.
 */
package io.subnetcast.core.engine;
