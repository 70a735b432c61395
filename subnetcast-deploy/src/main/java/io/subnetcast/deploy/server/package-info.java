/**
 * The deployment server: its JSON API ({@link io.subnetcast.deploy.server.DeploymentApi}), its HTTP
 * edge ({@link io.subnetcast.deploy.server.DeploymentServer}), which also serves the dashboard's
 * static files and the Prometheus figures ({@link io.subnetcast.deploy.server.ServerMetrics}), and
 * its tokens.
 */
package io.subnetcast.deploy.server;
