/**
 * The OpenAI-compatible surface: request parsing and validation, completions and chat
 * completions (whole or streamed as server-sent events), the model list and OpenAI error bodies.
 */
package io.infergate.simulator.openai;
