/** Pool admission: when an InferencePool counts as saturated, and the per-pool priority queue that sheds or holds requests while it is. */
package io.infergate.router.schedule.admission;
