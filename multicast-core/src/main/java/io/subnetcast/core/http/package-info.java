/**
 * HTTP/1.1 helpers shared by the range fetch client and the file server: small, pure parsers and
 * formatters for header fields defined by RFC 9110, with no I/O and no Netty types, so that both
 * sides read and write the same grammar and every hostile input is tested once.
 */
package io.subnetcast.core.http;
