/** End-to-end checks of the built images and of the install on a real single-node cluster. */
package io.infergate.e2e;
