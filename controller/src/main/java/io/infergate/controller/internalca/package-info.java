/**
 * The controller's own CA for the routers' internal API: what the Secret holding it must contain
 * (issue, reuse, renew; pure) and the trust the publisher verifies routers with.
 */
package io.infergate.controller.internalca;
