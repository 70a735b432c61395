package io.subnetcast.core.testing;

import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Samples Netty's buffer leak tracking during each test of a class ({@code @ExtendWith}) and
 * restores the level after it. For the scale simulations: paranoid tracking records a stack trace
 * for each of their millions of datagram copies and costs more than the run; sampled tracking
 * still reports a leak, and the smaller simulations track every buffer.
 */
public final class SampledLeakTracking implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SampledLeakTracking.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NAMESPACE).put("level", ResourceLeakDetector.getLevel());
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        ResourceLeakDetector.setLevel(context.getStore(NAMESPACE).get("level", ResourceLeakDetector.Level.class));
    }
}
