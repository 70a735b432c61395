/**
 * The rollout's decisions without I/O: {@link io.subnetcast.deploy.rollout.WaveMembership} puts
 * a device in the pilot or a wave by a stable hash, {@link io.subnetcast.deploy.rollout.Rollout}
 * opens waves, halts, completes, answers a device with an {@link io.subnetcast.deploy.rollout.Offer}
 * and applies its reports.
 */
package io.subnetcast.deploy.rollout;
