package io.pktsim.core.pcap;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.pktsim.core.io.AtomicFiles;
import io.pktsim.core.packet.PacketStore;
import org.agrona.DirectBuffer;

/**
 * Writes a pcap file: nanosecond timestamps (magic {@code 0xa1b23c4d}) unless microseconds are asked for,
 * version 2.4, little-endian, link type Ethernet (1) or raw IP (101).
 *
 * <p>The file is written to a temporary file beside the target ({@code .NAME.*.partial}) and moved into
 * place by {@link #close()}; {@link #abort()} deletes it, so a failed run never leaves a half-written
 * capture. Records are staged in one direct buffer and written in large blocks; writing a record allocates
 * nothing. One thread.
 *
 * <p>A record's captured length is the smaller of the bytes given (or the packet's length) and the
 * snapshot length; its original length is the length on the wire. A packet written from a
 * {@link PacketStore} carries its stored header bytes followed by zeros for the payload the store counts
 * but does not hold.
 */
public final class PcapWriter implements Closeable {

    /** The staging buffer of {@link #open(Path, int, int, boolean)}, in bytes. */
    public static final int BLOCK_BYTES = 1 << 16;

    private final Path target;
    private final Path temporary;
    private final FileChannel channel;
    private final ByteBuffer out;
    private final int linkType;
    private final int snaplenBytes;
    private final boolean nanoseconds;
    private final byte[] scratch;
    private long records;
    private boolean open = true;

    private PcapWriter(final Path target, final Path temporary, final FileChannel channel, final int linkType,
        final int snaplenBytes, final boolean nanoseconds, final int bufferBytes) {
        this.target = target;
        this.temporary = temporary;
        this.channel = channel;
        this.linkType = linkType;
        this.snaplenBytes = snaplenBytes;
        this.nanoseconds = nanoseconds;
        this.out = ByteBuffer.allocateDirect(Math.max(bufferBytes, 2 * (PcapFormat.RECORD_HEADER_LENGTH
            + snaplenBytes))).order(ByteOrder.LITTLE_ENDIAN);
        this.scratch = new byte[snaplenBytes];
    }

    /**
     * Opens a nanosecond pcap file for writing.
     *
     * @param file the capture file, e.g. {@code rx.pcap}
     * @param linkType {@link PcapFormat#LINKTYPE_ETHERNET} or {@link PcapFormat#LINKTYPE_RAW}
     * @param snaplenBytes the snapshot length: the most bytes kept of each packet, 1 to
     *     {@link PcapFormat#MAX_SNAPLEN}
     * @return the writer
     * @throws IOException if the temporary file cannot be created
     */
    public static PcapWriter open(final Path file, final int linkType, final int snaplenBytes) throws IOException {
        return open(file, linkType, snaplenBytes, true);
    }

    /**
     * Opens a pcap file for writing.
     *
     * @param file the capture file
     * @param linkType {@link PcapFormat#LINKTYPE_ETHERNET} or {@link PcapFormat#LINKTYPE_RAW}
     * @param snaplenBytes the snapshot length, 1 to {@link PcapFormat#MAX_SNAPLEN}
     * @param nanoseconds true for nanosecond timestamps, false for microseconds (truncated)
     * @return the writer
     * @throws IOException if the temporary file cannot be created
     */
    public static PcapWriter open(final Path file, final int linkType, final int snaplenBytes,
        final boolean nanoseconds) throws IOException {
        return open(file, linkType, snaplenBytes, nanoseconds, BLOCK_BYTES);
    }

    /**
     * Opens a pcap file for writing with a staging buffer of a given size (many captures open at once each
     * hold one; at least two records of the snapshot length are always staged).
     *
     * @param file the capture file
     * @param linkType {@link PcapFormat#LINKTYPE_ETHERNET} or {@link PcapFormat#LINKTYPE_RAW}
     * @param snaplenBytes the snapshot length, 1 to {@link PcapFormat#MAX_SNAPLEN}
     * @param nanoseconds true for nanosecond timestamps, false for microseconds (truncated)
     * @param bufferBytes the direct staging buffer written to the file in one block when full, in bytes
     *     (&gt;= 1; raised to two records of the snapshot length)
     * @return the writer
     * @throws IOException if the temporary file cannot be created
     */
    public static PcapWriter open(final Path file, final int linkType, final int snaplenBytes,
        final boolean nanoseconds, final int bufferBytes) throws IOException {
        if (bufferBytes < 1) {
            throw new IllegalArgumentException("PcapWriter " + file + ": buffer of " + bufferBytes
                + " bytes (need >= 1)");
        }
        if (!PcapFormat.isSupportedLinkType(linkType)) {
            throw new IllegalArgumentException("PcapWriter " + file + ": unsupported link type " + linkType
                + " (supported: 1 Ethernet, 101 raw IP, 113 Linux cooked)");
        }
        if (snaplenBytes < 1 || snaplenBytes > PcapFormat.MAX_SNAPLEN) {
            throw new IllegalArgumentException("PcapWriter " + file + ": snapshot length " + snaplenBytes
                + " bytes is outside 1.." + PcapFormat.MAX_SNAPLEN);
        }
        final Path abs = file.toAbsolutePath();
        // a device or named pipe (/dev/null) is written in place, never replaced; a file through a temporary one
        final Path tmp = AtomicFiles.writesInPlace(abs) ? null : AtomicFiles.createTempBeside(abs, ".partial");
        final FileChannel ch = tmp == null ? FileChannel.open(abs, StandardOpenOption.WRITE)
            : FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        final PcapWriter w = new PcapWriter(abs, tmp, ch, linkType, snaplenBytes, nanoseconds, bufferBytes);
        w.out.putInt(nanoseconds ? PcapFormat.MAGIC_NANOSECONDS : PcapFormat.MAGIC_MICROSECONDS);
        w.out.putShort((short) PcapFormat.VERSION_MAJOR);
        w.out.putShort((short) PcapFormat.VERSION_MINOR);
        w.out.putInt(0);
        w.out.putInt(0);
        w.out.putInt(snaplenBytes);
        w.out.putInt(linkType);
        return w;
    }

    /** @return the link type */
    public int linkType() {
        return linkType;
    }

    /** @return the snapshot length, in bytes */
    public int snaplenBytes() {
        return snaplenBytes;
    }

    /** @return the number of records written */
    public long records() {
        return records;
    }

    /** @return the file the capture is moved to on close */
    public Path file() {
        return target;
    }

    /**
     * Writes a record from an array.
     *
     * @param timeNs the timestamp, in nanoseconds since the epoch (simulated time 0 is 1970-01-01), >= 0
     * @param bytes the packet's bytes
     * @param offset the first byte
     * @param length the bytes available, at most wireLength
     * @param wireLength the packet's length on the wire
     * @throws IOException if the file cannot be written
     */
    public void writeRecord(final long timeNs, final byte[] bytes, final int offset, final int length,
        final int wireLength) throws IOException {
        final int caplen = beginRecord(timeNs, length, wireLength);
        out.put(bytes, offset, caplen);
        records++;
    }

    /**
     * Writes a record from an Agrona buffer (a packet store's buffer, say).
     *
     * @param timeNs the timestamp, in nanoseconds, >= 0
     * @param buffer the bytes
     * @param offset the first byte
     * @param length the bytes available, at most wireLength
     * @param wireLength the packet's length on the wire
     * @throws IOException if the file cannot be written
     */
    public void writeRecord(final long timeNs, final DirectBuffer buffer, final int offset, final int length,
        final int wireLength) throws IOException {
        final int caplen = beginRecord(timeNs, length, wireLength);
        final int at = out.position();
        buffer.getBytes(offset, out, at, caplen);
        out.position(at + caplen);
        records++;
    }

    /**
     * Writes a record made of a link header from an array followed by bytes of an Agrona buffer (a Linux cooked
     * capture header before a packet store's IP packet, say); both count towards the snapshot length.
     *
     * @param timeNs the timestamp, in nanoseconds, >= 0
     * @param prefix the header's bytes, from offset 0
     * @param prefixLength the header's length
     * @param buffer the packet's bytes
     * @param offset the packet's first byte
     * @param length the packet's bytes available, at most wireLength
     * @param wireLength the packet's length on the wire, without the header
     * @throws IOException if the file cannot be written
     */
    public void writeRecord(final long timeNs, final byte[] prefix, final int prefixLength, final DirectBuffer buffer,
        final int offset, final int length, final int wireLength) throws IOException {
        final int caplen = beginRecord(timeNs, prefixLength + length, prefixLength + wireLength);
        final int head = Math.min(prefixLength, caplen);
        out.put(prefix, 0, head);
        final int rest = caplen - head;
        final int at = out.position();
        buffer.getBytes(offset, out, at, rest);
        out.position(at + rest);
        records++;
    }

    /**
     * Writes a packet of a store: its frame bytes as the store holds them, then zeros up to its length or
     * the snapshot length, whichever is smaller; the original length is the packet's length.
     *
     * @param timeNs the timestamp, in nanoseconds, >= 0
     * @param store the store
     * @param handle the packet
     * @throws IOException if the file cannot be written
     */
    public void writePacket(final long timeNs, final PacketStore store, final int handle) throws IOException {
        final int wire = store.length(handle);
        final int caplen = store.getFrame(handle, scratch, 0, snaplenBytes);
        writeRecord(timeNs, scratch, 0, caplen, wire);
    }

    private int beginRecord(final long timeNs, final int length, final int wireLength) throws IOException {
        if (!open) {
            throw new IllegalStateException("PcapWriter " + target + ": record written after close or abort");
        }
        if (timeNs < 0 || length < 0 || wireLength < length) {
            throw badRecord(timeNs, length, wireLength);
        }
        final int caplen = Math.min(length, snaplenBytes);
        if (out.remaining() < PcapFormat.RECORD_HEADER_LENGTH + caplen) {
            flush();
        }
        final long seconds = timeNs / 1_000_000_000L;
        final long fractionNs = timeNs - seconds * 1_000_000_000L;
        out.putInt((int) seconds);
        out.putInt((int) (nanoseconds ? fractionNs : fractionNs / 1_000L));
        out.putInt(caplen);
        out.putInt(wireLength);
        return caplen;
    }

    private IllegalArgumentException badRecord(final long timeNs, final int length, final int wireLength) {
        return new IllegalArgumentException("PcapWriter " + target + ": record " + (records + 1) + " at " + timeNs
            + " ns with " + length + " bytes of " + wireLength + " on the wire (need time >= 0, 0 <= bytes <= wire)");
    }

    private void flush() throws IOException {
        out.flip();
        while (out.hasRemaining()) {
            channel.write(out);
        }
        out.clear();
    }

    /**
     * Writes what is staged, closes the file and moves it into place.
     *
     * @throws IOException if the file cannot be written or moved (the temporary file is then deleted)
     */
    @Override
    public void close() throws IOException {
        if (!open) {
            return;
        }
        open = false;
        try {
            flush();
            channel.close();
            if (temporary != null) {
                AtomicFiles.commit(temporary, target);
            }
        } catch (final IOException e) {
            discard();
            throw e;
        }
    }

    /** Closes and deletes the temporary file: the capture is not written. */
    public void abort() {
        if (!open) {
            return;
        }
        open = false;
        discard();
    }

    private void discard() {
        try {
            channel.close();
        } catch (final IOException e) {
            // being discarded anyway
        }
        if (temporary == null) {
            return;
        }
        try {
            Files.deleteIfExists(temporary);
        } catch (final IOException e) {
            // best effort: a stray .partial file is harmless
        }
    }
}
