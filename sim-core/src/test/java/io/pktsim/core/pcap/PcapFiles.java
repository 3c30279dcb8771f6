package io.pktsim.core.pcap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds pcap files byte by byte, in either order, for reader tests (including malformed ones). */
final class PcapFiles {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final ByteOrder order;

    PcapFiles(final ByteOrder order) {
        this.order = order;
    }

    PcapFiles fileHeader(final int magic, final int major, final int minor, final int snaplen, final int linkType) {
        final ByteBuffer b = ByteBuffer.allocate(24).order(order);
        b.putInt(magic).putShort((short) major).putShort((short) minor).putInt(0).putInt(0).putInt(snaplen)
            .putInt(linkType);
        bytes.writeBytes(b.array());
        return this;
    }

    PcapFiles record(final long seconds, final long fraction, final long caplen, final long origlen,
        final byte[] data) {
        final ByteBuffer b = ByteBuffer.allocate(16).order(order);
        b.putInt((int) seconds).putInt((int) fraction).putInt((int) caplen).putInt((int) origlen);
        bytes.writeBytes(b.array());
        bytes.writeBytes(data);
        return this;
    }

    PcapFiles raw(final byte[] data) {
        bytes.writeBytes(data);
        return this;
    }

    byte[] toBytes() {
        return bytes.toByteArray();
    }

    Path write(final Path file) throws IOException {
        Files.write(file, bytes.toByteArray());
        return file;
    }

    static byte[] pattern(final int length, final int seed) {
        final byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed * 31 + i * 7);
        }
        return b;
    }
}
