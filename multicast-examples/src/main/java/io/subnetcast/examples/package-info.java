/**
 * The {@code subnetcast} command: a standalone tool and an example of embedding the library.
 */
package io.subnetcast.examples;
