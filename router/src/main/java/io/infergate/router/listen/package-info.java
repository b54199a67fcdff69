/** Opens and closes one public WebServer per (bind address, port) the current snapshot's listeners need. */
package io.infergate.router.listen;
