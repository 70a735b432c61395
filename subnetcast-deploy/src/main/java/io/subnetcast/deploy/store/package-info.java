/**
 * Where the deployment server keeps its state: one relational database (SQLite in the data
 * directory by default, PostgreSQL by JDBC URL for several instances sharing it), written in one
 * transaction per request, so a restart loses nothing.
 */
package io.subnetcast.deploy.store;
