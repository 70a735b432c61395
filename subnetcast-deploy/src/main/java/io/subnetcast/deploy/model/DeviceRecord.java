package io.subnetcast.deploy.model;

/**
 * One device's standing in one deployment.
 *
 * @param deviceId the device
 * @param platform its platform
 * @param state its state in the deployment
 * @param failures install tries that failed
 * @param reason the last failure's reason, may be empty
 * @param updatedAtMs when it last changed (epoch ms)
 */
public record DeviceRecord(String deviceId, Platform platform, DeviceState state, int failures, String reason,
                           long updatedAtMs) {
    /** @return whether the device is done with the deployment: installed, or failed with no try left */
    public boolean finished(RetryRule rule) {
        return state == DeviceState.INSTALLED || (state == DeviceState.FAILED && !rule.allowsAnotherTry(failures));
    }
}
