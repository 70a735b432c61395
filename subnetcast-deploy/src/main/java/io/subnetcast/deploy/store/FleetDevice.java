package io.subnetcast.deploy.store;

import io.subnetcast.deploy.model.DeviceRecord;
import io.subnetcast.deploy.model.Platform;

/**
 * A device that asked for a product, as the dashboard lists it: what it runs, when it last asked,
 * and its standing in the product's latest deployment.
 *
 * @param deviceId the device
 * @param platform its platform
 * @param version the version it runs, as it last said (or as it installed), or null when it runs none
 * @param lastSeenMs when it last asked or reported (epoch ms)
 * @param record its record in the product's latest deployment, or null when it has none there
 *     (its platform is not shipped, or it already ran that version when it asked)
 */
public record FleetDevice(String deviceId, Platform platform, String version, long lastSeenMs, DeviceRecord record) {
}
