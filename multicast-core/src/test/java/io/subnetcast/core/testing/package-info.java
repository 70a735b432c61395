/**
 * Helpers shared by the tests of every module (through the test-jar): skips that must not happen
 * where CI can run everything.
 */
package io.subnetcast.core.testing;
