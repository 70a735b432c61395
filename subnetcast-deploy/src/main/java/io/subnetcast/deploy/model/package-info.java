/**
 * The deployment model (seed 000): a {@link io.subnetcast.deploy.model.Release} of a product with
 * one {@link io.subnetcast.deploy.model.Artifact} per platform, and a
 * {@link io.subnetcast.deploy.model.Deployment} of it that follows a
 * {@link io.subnetcast.deploy.model.RolloutPlan}: pilot devices, cumulative waves, an optional
 * success gate and halt rule, and a retry rule per platform. Every value checks its input and
 * refuses it with an {@link io.subnetcast.deploy.model.InvalidInputException} whose message can be
 * shown to a user as it is.
 */
package io.subnetcast.deploy.model;
