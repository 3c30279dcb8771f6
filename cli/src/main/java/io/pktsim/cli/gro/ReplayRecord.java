package io.pktsim.cli.gro;

import java.util.List;

/**
 * One packet that the replay produced (a packet the stack received, or a wire segment or fragment), with the
 * fields the JSON output lists. Null fields print as JSON null.
 */
public final class ReplayRecord {

    private final long timeNs;
    private final byte[] frame;
    private final int payloadLen;
    private final Integer segs;
    private final Integer gsoSize;
    private final Long seq;
    private final Integer ipId;
    private final List<String> tcpFlags;
    private final String flushReason;
    private final boolean fragment;

    ReplayRecord(final long timeNs, final byte[] frame, final int payloadLen, final Integer segs,
        final Integer gsoSize, final Long seq, final Integer ipId, final List<String> tcpFlags,
        final String flushReason, final boolean fragment) {
        this.timeNs = timeNs;
        this.frame = frame;
        this.payloadLen = payloadLen;
        this.segs = segs;
        this.gsoSize = gsoSize;
        this.seq = seq;
        this.ipId = ipId;
        this.tcpFlags = tcpFlags;
        this.flushReason = flushReason;
        this.fragment = fragment;
    }

    /** @return when the packet was produced, ns */
    public long timeNs() {
        return timeNs;
    }

    /** @return the frame bytes (an aggregate as one large frame) */
    public byte[] frame() {
        return frame;
    }

    /** @return TCP payload bytes (for a fragment: the transport bytes it carries) */
    public int payloadLen() {
        return payloadLen;
    }

    /** @return segments carried (GRO), or null */
    public Integer segs() {
        return segs;
    }

    /** @return gso_size (GRO), or null */
    public Integer gsoSize() {
        return gsoSize;
    }

    /** @return the TCP sequence number, or null without a TCP header */
    public Long seq() {
        return seq;
    }

    /** @return the IPv4 ID, or null for IPv6 */
    public Integer ipId() {
        return ipId;
    }

    /** @return TCP flag names, or null without a TCP header */
    public List<String> tcpFlags() {
        return tcpFlags;
    }

    /** @return why GRO delivered it (GRO), or null */
    public String flushReason() {
        return flushReason;
    }

    /** @return whether the packet is an IPv4 fragment */
    public boolean fragment() {
        return fragment;
    }
}
