/**
 * Helpers of the Jazzer fuzz tests ({@code *FuzzTest}): {@link io.subnetcast.core.fuzz.FuzzInput}
 * reads a fuzzer's bytes as a sequence of small typed values, {@link io.subnetcast.core.fuzz.Seed}
 * writes such a sequence, so that seed inputs are easy to build. How to fuzz for longer is in
 * {@code multicast-core/FUZZING.md}.
 */
package io.subnetcast.core.fuzz;
