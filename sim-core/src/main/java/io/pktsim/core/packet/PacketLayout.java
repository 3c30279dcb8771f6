package io.pktsim.core.packet;

/**
 * The layout of one packet slot, apart from the logic that uses it (in the manner of Agrona's
 * {@code RecordDescriptor}). A slot is {@link #META_LENGTH} bytes of metadata followed by the data area.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------------------------------------+
 *  |                     length (wire bytes)                     |  0
 *  |                 stored length (bytes held)                  |  4
 *  |        data offset          |     network offset (rel)      |  8
 *  |    transport offset (rel)   |  inner network offset (rel)   | 12
 *  |                          gso_size                           | 16
 *  |                          gso_segs                           | 20
 *  |                            hash                             | 24
 *  |  hash type  |  csum state   |  csum level   |   gso type    | 28
 *  |                  csum (CHECKSUM_COMPLETE)                   | 32
 *  |                      ingress device                         | 36
 *  |                      egress device                          | 40
 *  |                           mark                              | 44
 *  |                     arrival time (ns)                       | 48
 *  |                   timestamp (ns, per stage)                 | 56
 *  |                           flags                             | 64
 *  |                  next (handle in a chain)                   | 68
 *  |     protocol (ethertype)    |        queue mapping          | 72
 *  |                      conntrack entry                        | 76
 *  |                      aux (user, 64 bit)                     | 80
 *  |                   slot state (generation)                   | 88
 *  |    gso type (bits 8-15)     |          reserved             | 92
 *  +-------------------------------------------------------------+
 *  |                data area (headroom + frame bytes)           | 96
 * </pre>
 *
 * Offsets marked (rel) count from the data offset (the first byte of the frame); -1 means not set.
 * Multi-byte metadata is in the platform's order (it never leaves the process); frame bytes are in
 * network byte order, as on the wire.
 */
public final class PacketLayout {

    /** Bytes on the wire (the frame as the link sees it, without preamble and FCS), payload included. */
    public static final int LENGTH_OFFSET = 0;
    /** Frame bytes held in the data area, from the data offset; the rest of the frame reads as zeros. */
    public static final int STORED_LENGTH_OFFSET = 4;
    /** Offset in the data area of the first frame byte ({@code skb->data}); what lies before is headroom. */
    public static final int DATA_OFFSET_OFFSET = 8;
    /** Offset of the L3 header from the first frame byte ({@code skb->network_header}). */
    public static final int NETWORK_OFFSET_OFFSET = 10;
    /** Offset of the L4 header from the first frame byte ({@code skb->transport_header}). */
    public static final int TRANSPORT_OFFSET_OFFSET = 12;
    /** Offset of the inner L3 header of a tunnelled packet ({@code skb->inner_network_header}). */
    public static final int INNER_NETWORK_OFFSET_OFFSET = 14;
    /** {@code skb_shinfo(skb)->gso_size}: payload bytes per segment of a GSO/GRO packet, 0 for none. */
    public static final int GSO_SIZE_OFFSET = 16;
    /** {@code skb_shinfo(skb)->gso_segs}: the number of segments a GSO/GRO packet stands for. */
    public static final int GSO_SEGS_OFFSET = 20;
    /** {@code skb->hash}: the receive hash (RSS, PPE or software). */
    public static final int HASH_OFFSET = 24;
    /** Hash type: {@link PacketStore#HASH_NONE}, {@link PacketStore#HASH_L3} or {@link PacketStore#HASH_L4}. */
    public static final int HASH_TYPE_OFFSET = 28;
    /** {@code skb->ip_summed}: one of the {@link ChecksumState} ordinals. */
    public static final int CSUM_STATE_OFFSET = 29;
    /** {@code skb->csum_level}. */
    public static final int CSUM_LEVEL_OFFSET = 30;
    /** {@code skb_shinfo(skb)->gso_type} bits ({@link PacketStore#GSO_TCPV4}, ...). */
    public static final int GSO_TYPE_OFFSET = 31;
    /** {@code skb->csum} for {@code CHECKSUM_COMPLETE}. */
    public static final int CSUM_OFFSET = 32;
    /** Index of the device the packet arrived on ({@code skb->skb_iif}), -1 for none. */
    public static final int INGRESS_DEVICE_OFFSET = 36;
    /** Index of the device the packet leaves by, -1 for none. */
    public static final int EGRESS_DEVICE_OFFSET = 40;
    /** {@code skb->mark}. */
    public static final int MARK_OFFSET = 44;
    /** Simulated time at which the frame arrived (first bit on the wire at the NIC), ns. */
    public static final int ARRIVAL_NS_OFFSET = 48;
    /** A per-stage timestamp (enqueue time at a queue), ns. */
    public static final int TIMESTAMP_NS_OFFSET = 56;
    /** Flag bits ({@link PacketStore#FLAG_RAW_IP}, ...). */
    public static final int FLAGS_OFFSET = 64;
    /** The next packet in a chain (a queue, a GRO frag list), or -1. */
    public static final int NEXT_OFFSET = 68;
    /** {@code skb->protocol}: the ethertype of the L3 header. */
    public static final int PROTOCOL_OFFSET = 72;
    /** {@code skb->queue_mapping}. */
    public static final int QUEUE_MAPPING_OFFSET = 74;
    /** The conntrack entry of the packet ({@code skb->_nfct}), -1 for none. */
    public static final int CONNTRACK_OFFSET = 76;
    /** A free 64-bit field for the component that owns the packet. */
    public static final int AUX_OFFSET = 80;
    /** Slot state: even generation = free, odd = allocated. Detects double frees. */
    public static final int STATE_OFFSET = 88;
    /** Bits 8 to 15 of {@code skb_shinfo(skb)->gso_type} (the low byte is at {@link #GSO_TYPE_OFFSET}). */
    public static final int GSO_TYPE_HIGH_OFFSET = 92;
    /** Bytes of metadata before the data area. */
    public static final int META_LENGTH = 96;

    private PacketLayout() {
    }
}
