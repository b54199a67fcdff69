/** Per-endpoint live state in this router: requests in flight, the registry that keeps it across snapshots, and the lease that counts one request. */
package io.infergate.router.schedule.endpoint;
