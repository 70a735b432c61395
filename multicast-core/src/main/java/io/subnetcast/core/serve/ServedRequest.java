package io.subnetcast.core.serve;

import java.net.InetSocketAddress;

/**
 * What the server did for one request, reported to a {@link RequestListener} once the response
 * has been written (or has failed).
 *
 * <p>{@code target} and {@code range} are copied from the request as received: they are untrusted
 * text and must be escaped before they are shown.
 *
 * @param remoteAddress the client, or {@code null} if the transport does not report one
 * @param method the request method as received
 * @param target the raw request-target, query included
 * @param status the status code sent
 * @param range the {@code Range} header, or {@code null} when the request had none
 * @param bodyBytes bytes of body handed to the transport; equal to the {@code Content-Length}
 *     when {@code complete}, and 0 for HEAD
 * @param connectionId a number that identifies the connection within this server, from 1
 * @param requestNumber the position of the request on its connection, from 1
 * @param complete whether the whole response was written; {@code false} when the connection
 *     failed or closed during the transfer
 */
public record ServedRequest(InetSocketAddress remoteAddress, String method, String target, int status,
        String range, long bodyBytes, long connectionId, long requestNumber, boolean complete) {
}
