/** The Gateway API Inference Extension conformance suite (v1.6.2), transcribed, and the loopback cluster it runs on. */
package io.infergate.conformance.inference;
