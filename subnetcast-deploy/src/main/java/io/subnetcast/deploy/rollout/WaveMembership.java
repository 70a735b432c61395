package io.subnetcast.deploy.rollout;

import io.subnetcast.deploy.model.Deployment;
import io.subnetcast.deploy.model.Wave;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Which group of a deployment a device belongs to: 0 for the pilot, {@code i} for the i-th wave.
 *
 * <p>A device's place in the fleet is a SHA-256 of (deployment id, device id), read as a number
 * in [0, 1): the same across pause and resume and restarts of the server (it depends on nothing
 * stored), and different from one deployment to the next, so the same devices are not always the
 * first to get a release (electron-updater's staging percentage picks the same installs every
 * time). A device is in the first wave whose cumulative share is above its place.
 */
public final class WaveMembership {
    private WaveMembership() {
    }

    /** @return the device's place in [0, 1) for the deployment */
    public static double place(String deploymentId, String deviceId) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
        sha.update(deploymentId.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0); // "ab"+"c" and "a"+"bc" are different pairs
        byte[] digest = sha.digest(deviceId.getBytes(StandardCharsets.UTF_8));
        long top53 = ByteBuffer.wrap(digest).getLong() >>> 11;
        return top53 / (double) (1L << 53);
    }

    /** @return 0 for a pilot device, else the 1-based wave the device is in */
    public static int groupOf(Deployment deployment, String deviceId) {
        if (deployment.plan().pilot().contains(deviceId)) {
            return 0;
        }
        double share = place(deployment.id(), deviceId) * 100;
        List<Wave> waves = deployment.plan().waves();
        for (int i = 0; i < waves.size(); i++) {
            if (share < waves.get(i).percent()) {
                return i + 1;
            }
        }
        return waves.size(); // the last wave is 100%, so this is not reached
    }
}
