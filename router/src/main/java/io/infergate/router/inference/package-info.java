/** The OpenAI-compatible surface: which requests are inference requests, their model and stream fields, and OpenAI-style error bodies. */
package io.infergate.router.inference;
