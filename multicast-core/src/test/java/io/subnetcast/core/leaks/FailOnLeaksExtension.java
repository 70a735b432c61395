package io.subnetcast.core.leaks;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reported a leak while it ran: collects garbage after the class and
 * asks {@link LeakRecorder} for the reports. Registered globally through
 * {@code META-INF/services/org.junit.jupiter.api.extension.Extension}; a leak whose buffer was only
 * collected after its own class ended is blamed on the next class, so the build fails either way.
 */
public final class FailOnLeaksExtension implements BeforeAllCallback, AfterAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
        LeakRecorder.install();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        List<String> leaks = LeakRecorder.collect();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " Netty leak report(s) during or before "
                    + context.getDisplayName() + ":\n" + String.join("\n\n", leaks));
        }
    }
}
