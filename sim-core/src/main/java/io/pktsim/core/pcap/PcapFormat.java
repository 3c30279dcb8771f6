package io.pktsim.core.pcap;

/**
 * The constants of the pcap file format (libpcap {@code sf-pcap.c}; draft-ietf-opsawg-pcap), apart from
 * the code that reads and writes it.
 *
 * <pre>
 *  file header (24 bytes)                     record header (16 bytes)
 *   0  magic number                            0  timestamp, seconds
 *   4  version major (2) | version minor (4)   4  timestamp, micro- or nanoseconds
 *   8  reserved (thiszone)                     8  captured length (bytes that follow)
 *  12  reserved (sigfigs)                     12  original length (bytes on the wire)
 *  16  snapshot length
 *  20  link type (low 16 bits; FCS info above)
 * </pre>
 */
public final class PcapFormat {

    /** Magic number of a file with microsecond timestamps, as written by a machine of the file's order. */
    public static final int MAGIC_MICROSECONDS = 0xa1b2c3d4;
    /** Magic number of a file with nanosecond timestamps. */
    public static final int MAGIC_NANOSECONDS = 0xa1b23c4d;
    /** Magic number of a pcapng section header block (not supported; recognised for the error message). */
    public static final int MAGIC_PCAPNG = 0x0a0d0d0a;
    /** The file format version written and read. */
    public static final int VERSION_MAJOR = 2;
    /** The file format version written and read. */
    public static final int VERSION_MINOR = 4;
    /** Bytes of the file header. */
    public static final int FILE_HEADER_LENGTH = 24;
    /** Bytes of a record header. */
    public static final int RECORD_HEADER_LENGTH = 16;
    /** The largest snapshot length libpcap accepts for these link types ({@code MAXIMUM_SNAPLEN}). */
    public static final int MAX_SNAPLEN = 262_144;

    /** Link type {@code LINKTYPE_ETHERNET}: frames start with the Ethernet header. */
    public static final int LINKTYPE_ETHERNET = 1;
    /** Link type {@code LINKTYPE_RAW}: packets start with the IPv4 or IPv6 header. */
    public static final int LINKTYPE_RAW = 101;
    /**
     * Link type {@code LINKTYPE_LINUX_SLL} ("Linux cooked capture" v1): a 16-byte header (packet type, ARPHRD type,
     * link-layer address length and address, protocol) before the network-layer packet. libpcap writes it for
     * devices without a usable link header, such as {@code ppp} ({@code map_arphrd_to_dlt}, ARPHRD_PPP, in
     * pcap-linux.c), so {@code tcpdump -i pppoe-wan} files have it.
     */
    public static final int LINKTYPE_LINUX_SLL = 113;
    /** Bytes of the {@code LINKTYPE_LINUX_SLL} header. */
    public static final int SLL_HEADER_LENGTH = 16;
    /** SLL packet type {@code PACKET_HOST}: received, addressed to this host (include/uapi/linux/if_packet.h). */
    public static final int SLL_PACKET_HOST = 0;
    /** SLL packet type {@code PACKET_OUTGOING}: sent by this host (include/uapi/linux/if_packet.h). */
    public static final int SLL_PACKET_OUTGOING = 4;
    /** {@code ARPHRD_PPP} (include/uapi/linux/if_arp.h). */
    public static final int ARPHRD_PPP = 512;

    private PcapFormat() {
    }

    /**
     * Whether a link type is one this package reads and writes.
     *
     * @param linkType the link type
     * @return true for Ethernet (1), raw IP (101) and Linux cooked capture (113)
     */
    public static boolean isSupportedLinkType(final int linkType) {
        return linkType == LINKTYPE_ETHERNET || linkType == LINKTYPE_RAW || linkType == LINKTYPE_LINUX_SLL;
    }

    /**
     * Fills a {@code LINKTYPE_LINUX_SLL} header with no link-layer address.
     *
     * @param header at least {@link #SLL_HEADER_LENGTH} bytes, overwritten from offset 0
     * @param packetType {@link #SLL_PACKET_HOST} or {@link #SLL_PACKET_OUTGOING}
     * @param arphrd the device's ARPHRD type, e.g. {@link #ARPHRD_PPP}
     * @param protocol the ethertype of the packet that follows (0x0800 IPv4, 0x86DD IPv6)
     */
    public static void sllHeader(final byte[] header, final int packetType, final int arphrd, final int protocol) {
        java.util.Arrays.fill(header, 0, SLL_HEADER_LENGTH, (byte) 0);
        header[0] = (byte) (packetType >>> 8);
        header[1] = (byte) packetType;
        header[2] = (byte) (arphrd >>> 8);
        header[3] = (byte) arphrd;
        header[14] = (byte) (protocol >>> 8);
        header[15] = (byte) protocol;
    }
}
