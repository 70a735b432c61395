/**
 * JMH benchmarks of the data path. Run by hand, never by the test suite: see benchmarks/README.md.
 */
package io.subnetcast.bench;
