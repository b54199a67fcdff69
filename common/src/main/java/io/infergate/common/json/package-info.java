/** Bounds on JSON read from the network (nesting depth), shared by the router's request parsing and the snapshot codec. */
package io.infergate.common.json;
