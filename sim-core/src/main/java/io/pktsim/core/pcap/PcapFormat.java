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

    private PcapFormat() {
    }

    /**
     * Whether a link type is one this package reads and writes.
     *
     * @param linkType the link type
     * @return true for Ethernet (1) and raw IP (101)
     */
    public static boolean isSupportedLinkType(final int linkType) {
        return linkType == LINKTYPE_ETHERNET || linkType == LINKTYPE_RAW;
    }
}
