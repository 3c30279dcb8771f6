package io.pktsim.core.pcap;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import io.pktsim.core.packet.PacketStore;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reads a pcap file: microsecond or nanosecond timestamps, either byte order, version 2.4 (2.2 and 2.3,
 * which have the same layout, are accepted too), link type Ethernet (1), raw IP (101) or Linux cooked (113).
 *
 * <p>{@link #next()} reads one record into a buffer the reader reuses, so reading allocates nothing per
 * record; read the record through {@link #timeNs()}, {@link #capturedLength()}, {@link #originalLength()}
 * and {@link #frame()} before the next call. A truncated or malformed file is rejected with one
 * {@link PcapFormatException} naming the file, the record and what was wrong: bad magic number
 * (including a pcapng file), unsupported version or link type, a truncated file header, record header or
 * record data, a captured length above the snapshot length or absurd, a captured length above the original
 * length, a timestamp fraction out of range.
 */
public final class PcapReader implements Closeable {

    private final Path file;
    private final InputStream in;
    private final byte[] header = new byte[PcapFormat.FILE_HEADER_LENGTH];
    private final UnsafeBuffer headerView = new UnsafeBuffer(header);
    private final ByteOrder order;
    private final boolean nanoseconds;
    private final int versionMajor;
    private final int versionMinor;
    private final int snaplenBytes;
    private final int maxCaptured;
    private final int linkType;
    private final byte[] data;
    private final UnsafeBuffer frame;
    private long recordNumber;
    private long offset = PcapFormat.FILE_HEADER_LENGTH;
    private long timeNs;
    private int capturedLength;
    private int originalLength;

    private PcapReader(final Path file, final InputStream in) throws IOException, PcapFormatException {
        this.file = file;
        this.in = in;
        final int got = in.readNBytes(header, 0, PcapFormat.FILE_HEADER_LENGTH);
        if (got < 4) {
            throw fileError("truncated file header: " + got + " of " + PcapFormat.FILE_HEADER_LENGTH + " bytes"
                + (got == 0 ? " (empty file)" : ""));
        }
        final int magicLe = headerView.getInt(0, ByteOrder.LITTLE_ENDIAN);
        final int magicBe = headerView.getInt(0, ByteOrder.BIG_ENDIAN);
        if (magicLe == PcapFormat.MAGIC_MICROSECONDS || magicLe == PcapFormat.MAGIC_NANOSECONDS) {
            order = ByteOrder.LITTLE_ENDIAN;
            nanoseconds = magicLe == PcapFormat.MAGIC_NANOSECONDS;
        } else if (magicBe == PcapFormat.MAGIC_MICROSECONDS || magicBe == PcapFormat.MAGIC_NANOSECONDS) {
            order = ByteOrder.BIG_ENDIAN;
            nanoseconds = magicBe == PcapFormat.MAGIC_NANOSECONDS;
        } else if (magicBe == PcapFormat.MAGIC_PCAPNG) {
            throw fileError("this is a pcapng file; only pcap is supported (convert it with "
                + "'editcap -F pcap IN OUT')");
        } else {
            throw fileError(String.format("bad magic number 0x%08x (expected 0xa1b2c3d4 or 0xa1b23c4d in either "
                + "byte order): not a pcap file", magicBe));
        }
        if (got < PcapFormat.FILE_HEADER_LENGTH) {
            throw fileError("truncated file header: " + got + " of " + PcapFormat.FILE_HEADER_LENGTH + " bytes");
        }
        versionMajor = headerView.getShort(4, order) & 0xFFFF;
        versionMinor = headerView.getShort(6, order) & 0xFFFF;
        if (versionMajor != PcapFormat.VERSION_MAJOR || versionMinor < 2 || versionMinor > PcapFormat.VERSION_MINOR) {
            throw fileError("unsupported version " + versionMajor + "." + versionMinor + " (expected 2.4)");
        }
        snaplenBytes = headerView.getInt(16, order);
        linkType = headerView.getInt(20, order) & 0xFFFF;
        if (!PcapFormat.isSupportedLinkType(linkType)) {
            throw fileError("unsupported link type " + linkType
                + " (supported: 1 Ethernet, 101 raw IP, 113 Linux cooked)");
        }
        // libpcap treats a snapshot length of 0 or above its maximum as the maximum
        maxCaptured = snaplenBytes <= 0 || snaplenBytes > PcapFormat.MAX_SNAPLEN ? PcapFormat.MAX_SNAPLEN
            : snaplenBytes;
        data = new byte[maxCaptured];
        frame = new UnsafeBuffer(data);
    }

    /**
     * Opens a file and reads its header.
     *
     * @param file the capture
     * @return the reader, before the first record
     * @throws IOException if the file cannot be read
     * @throws PcapFormatException if the file header is truncated or malformed
     */
    public static PcapReader open(final Path file) throws IOException, PcapFormatException {
        final InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            return new PcapReader(file, in);
        } catch (final IOException | PcapFormatException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /**
     * Reads the next record.
     *
     * @return true if a record was read, false at the end of the file
     * @throws IOException if the file cannot be read
     * @throws PcapFormatException if the record is truncated or malformed
     */
    public boolean next() throws IOException, PcapFormatException {
        final int got = in.readNBytes(header, 0, PcapFormat.RECORD_HEADER_LENGTH);
        if (got == 0) {
            return false;
        }
        recordNumber++;
        if (got < PcapFormat.RECORD_HEADER_LENGTH) {
            throw recordError("truncated record header: " + got + " of " + PcapFormat.RECORD_HEADER_LENGTH
                + " bytes");
        }
        final long seconds = headerView.getInt(0, order) & 0xFFFF_FFFFL;
        final long fraction = headerView.getInt(4, order) & 0xFFFF_FFFFL;
        final long caplen = headerView.getInt(8, order) & 0xFFFF_FFFFL;
        final long origlen = headerView.getInt(12, order) & 0xFFFF_FFFFL;
        if (fraction >= (nanoseconds ? 1_000_000_000L : 1_000_000L)) {
            throw recordError("timestamp fraction " + fraction + (nanoseconds ? " ns" : " us")
                + " is not below one second");
        }
        if (caplen > maxCaptured) {
            throw recordError(snaplenBytes > 0 && snaplenBytes <= PcapFormat.MAX_SNAPLEN
                ? "captured length " + caplen + " bytes exceeds the snapshot length " + snaplenBytes + " bytes"
                : "captured length " + caplen + " bytes is absurd (more than " + PcapFormat.MAX_SNAPLEN + ")");
        }
        if (caplen > origlen) {
            throw recordError("captured length " + caplen + " bytes exceeds the original length " + origlen
                + " bytes");
        }
        final int n = (int) caplen;
        final int read = in.readNBytes(data, 0, n);
        if (read < n) {
            throw recordError("truncated record data: " + read + " of " + n + " bytes");
        }
        timeNs = seconds * 1_000_000_000L + (nanoseconds ? fraction : fraction * 1_000L);
        capturedLength = n;
        originalLength = (int) Math.min(origlen, Integer.MAX_VALUE);
        offset += PcapFormat.RECORD_HEADER_LENGTH + n;
        return true;
    }

    private PcapFormatException fileError(final String problem) {
        return new PcapFormatException(file, PcapFormatException.FILE_HEADER, 0, problem);
    }

    private PcapFormatException recordError(final String problem) {
        return new PcapFormatException(file, recordNumber, offset, problem);
    }

    /** @return the file */
    public Path file() {
        return file;
    }

    /** @return the link type */
    public int linkType() {
        return linkType;
    }

    /** @return the snapshot length in the file header, in bytes (as written, even if 0) */
    public int snaplenBytes() {
        return snaplenBytes;
    }

    /** @return true if timestamps are in nanoseconds, false for microseconds */
    public boolean nanoseconds() {
        return nanoseconds;
    }

    /** @return the byte order of the file's header fields */
    public ByteOrder byteOrder() {
        return order;
    }

    /** @return the major version */
    public int versionMajor() {
        return versionMajor;
    }

    /** @return the minor version */
    public int versionMinor() {
        return versionMinor;
    }

    /** @return the number of the current record, from 1 (0 before the first) */
    public long recordNumber() {
        return recordNumber;
    }

    /** @return the current record's timestamp, in nanoseconds since the epoch */
    public long timeNs() {
        return timeNs;
    }

    /** @return the bytes captured of the current record */
    public int capturedLength() {
        return capturedLength;
    }

    /** @return the current record's length on the wire */
    public int originalLength() {
        return originalLength;
    }

    /**
     * The current record's captured bytes, from offset 0 to {@link #capturedLength()}; overwritten by the
     * next call to {@link #next()}.
     *
     * @return the reused buffer
     */
    public DirectBuffer frame() {
        return frame;
    }

    /**
     * Copies the current record into a new packet of a store: as many captured bytes as a slot holds, the
     * original length as the packet's length, the timestamp as its arrival time, and the raw-IP flag for
     * link type 101; for link type 113 the cooked header is left out and the IP packet stored as raw IP.
     *
     * @param store the store
     * @return the packet, or {@link PacketStore#NO_PACKET} if the store is full (counted by the store)
     */
    public int toPacket(final PacketStore store) {
        final int h = store.allocate();
        if (h == PacketStore.NO_PACKET) {
            return h;
        }
        final int room = store.dataCapacity() - store.headroom(h);
        // A cooked capture's header is not part of the packet: what follows it is the IP packet.
        final int skip = linkType == PcapFormat.LINKTYPE_LINUX_SLL
            ? Math.min(PcapFormat.SLL_HEADER_LENGTH, capturedLength) : 0;
        store.putFrame(h, frame, skip, Math.min(capturedLength - skip, room), Math.max(0, originalLength - skip));
        store.arrivalNs(h, timeNs);
        if (linkType == PcapFormat.LINKTYPE_RAW || linkType == PcapFormat.LINKTYPE_LINUX_SLL) {
            store.setFlag(h, PacketStore.FLAG_RAW_IP);
        }
        return h;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
