/**
 * Status as data: the plan the translator emits (no timestamps), the Programmed adjustment from
 * router acknowledgements, the stamper that sets {@code lastTransitionTime}, and the JSON form a
 * writer or the admin socket shows.
 */
package io.infergate.controller.status;
