/** The scheduler: one request on one backend, from admission through choosing an endpoint to the counted lease; Service backends in turn, InferencePool backends by their profile. */
package io.infergate.router.schedule;
