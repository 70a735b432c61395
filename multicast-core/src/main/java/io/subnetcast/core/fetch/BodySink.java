package io.subnetcast.core.fetch;

import io.netty.buffer.ByteBuf;
import java.io.IOException;

/**
 * Where a {@link HttpFetcher#fetch fetch} puts the bytes it receives, as they arrive: nothing is
 * gathered in memory.
 *
 * <p>Calls come from a Netty event loop thread, one at a time and in order for one fetch, so an
 * implementation needs no locking for a single fetch; it must not block for long (a positional
 * file write is fine, waiting for another network transfer is not).
 */
@FunctionalInterface
public interface BodySink {
    /**
     * Receives the next bytes of the resource.
     *
     * <p>{@code absoluteOffset} is the offset of {@code data}'s first readable byte in the whole
     * resource (not in the span, not in the response). Offsets are increasing within one response.
     * When a retry resumes a span, delivery continues at the first byte not yet delivered. When a
     * server answers 200 to a range request, bytes may be delivered again from an earlier offset
     * (from 0 when the request said the whole body is useful, or from the span start when the
     * content changed): the sink must treat each call as "these bytes are at this offset", which a
     * positional write does naturally. See {@link FetchResult#validatorChanged()}.
     *
     * @param absoluteOffset offset of the first readable byte of {@code data} in the resource
     * @param data the bytes, between its reader and writer index; valid only during this call: the
     *     sink must neither retain, release nor modify it (the fetcher releases it)
     * @throws IOException to abort the fetch; the exception becomes the cause of the failure
     */
    void onData(long absoluteOffset, ByteBuf data) throws IOException;
}
