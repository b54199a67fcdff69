/** Outlier detection: which endpoints failed to accept connections often enough to be left out of picking, and for how long. */
package io.infergate.router.outlier;
