/**
 * The origin and file-cache HTTP server: a Netty static-file server that meets the Windows
 * "Express" / ISV file-cache requirements (RFC 9110 HTTP/1.1, HEAD and GET, single byte ranges,
 * strong ETags, {@code If-Range}, keep-alive, a {@code Content-Length} on every response and never
 * {@code Transfer-Encoding: chunked}).
 *
 * <p>{@link io.subnetcast.core.serve.FileServer} owns the sockets; what a request path names is
 * decided by a {@link io.subnetcast.core.serve.ResourceResolver}. The stock
 * {@link io.subnetcast.core.serve.DirectoryResolver} maps paths into one directory and refuses
 * every path that could leave it. A {@link io.subnetcast.core.serve.Resource} may hold only part of
 * its bytes (a cache file still being filled), so the server asks it before sending a span.
 *
 * <p>File bodies go out zero-copy ({@code sendfile} through a {@code FileRegion}) on plain
 * connections and through a {@code ChunkedWriteHandler} as raw buffers under TLS; either way the
 * response is framed by {@code Content-Length}. Each response opens its file and the transfer
 * closes it.
 */
package io.subnetcast.core.serve;
