/**
 * Loss injection on the receive path. The kernels this runs on have no netem, so tests, the demo
 * and the testbed drop datagrams in the application, as Aeron's and JGroups' test transports do.
 */
package io.subnetcast.core.loss;
