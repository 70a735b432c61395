/**
 * Makes Netty's leak detector fail the build: {@link io.subnetcast.core.leaks.LeakRecorder}
 * installs a {@link io.netty.util.ResourceLeakDetectorFactory} whose detectors record every leak
 * report, and {@link io.subnetcast.core.leaks.FailOnLeaksExtension}, registered for every test
 * class through {@code META-INF/services} and JUnit's extension auto-detection, collects garbage
 * after each test class and fails the class if any leak was reported.
 *
 * <p>Shipped in multicast-core's test-jar: every module whose tests have that jar on their class
 * path gets the check (the parent pom enables auto-detection in Surefire).
 */
package io.subnetcast.core.leaks;
