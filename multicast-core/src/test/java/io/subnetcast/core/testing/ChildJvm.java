package io.subnetcast.core.testing;

/** What a test's child JVM inherits from the test's own, so that it runs on the same transport. */
public final class ChildJvm {
    private static final String NO_NATIVE = "io.netty.transport.noNative";

    private ChildJvm() {
    }

    /**
     * @return the option that gives a child the test JVM's transport: NIO in the surefire execution
     *     {@code nio} (which sets {@code -Dio.netty.transport.noNative=true}), epoll otherwise
     */
    public static String transportOption() {
        return "-D" + NO_NATIVE + "=" + Boolean.getBoolean(NO_NATIVE);
    }
}
