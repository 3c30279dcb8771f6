package io.pktsim.core.pcap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.pktsim.core.header.EthernetView;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.random.RandomStream;
import io.pktsim.core.test.AllocationMeter;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapWriterReaderTest {

    @TempDir
    Path dir;

    @Test
    void shouldReadBackExactlyWhatWasWritten() throws Exception {
        final Path file = dir.resolve("round.pcap");
        final RandomStream random = RandomStream.derive(77, 0, "pcap-round-trip");
        final int snaplen = 300;
        final List<byte[]> written = new ArrayList<>();
        final List<long[]> meta = new ArrayList<>();
        try (PcapWriter w = PcapWriter.open(file, PcapFormat.LINKTYPE_ETHERNET, snaplen)) {
            long t = 0;
            for (int i = 0; i < 2_000; i++) {
                t += random.nextLong(3_000_000_000L);
                final int length = random.nextInt(600);
                final int wire = length + random.nextInt(100);
                final byte[] data = PcapFiles.pattern(length, i);
                if (i % 2 == 0) {
                    w.writeRecord(t, data, 0, length, wire);
                } else {
                    final UnsafeBuffer b = new UnsafeBuffer(new byte[length + 10]);
                    b.putBytes(10, data);
                    w.writeRecord(t, b, 10, length, wire);
                }
                written.add(Arrays.copyOf(data, Math.min(length, snaplen)));
                meta.add(new long[] {t, wire});
            }
            assertThat(w.records()).isEqualTo(2_000);
        }
        try (PcapReader r = PcapReader.open(file)) {
            assertThat(r.linkType()).isEqualTo(PcapFormat.LINKTYPE_ETHERNET);
            assertThat(r.snaplenBytes()).isEqualTo(snaplen);
            assertThat(r.nanoseconds()).isTrue();
            assertThat(r.byteOrder()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
            assertThat(r.versionMajor()).isEqualTo(2);
            assertThat(r.versionMinor()).isEqualTo(4);
            for (int i = 0; i < written.size(); i++) {
                assertThat(r.next()).isTrue();
                assertThat(r.recordNumber()).isEqualTo(i + 1);
                assertThat(r.timeNs()).isEqualTo(meta.get(i)[0]);
                assertThat(r.originalLength()).isEqualTo(meta.get(i)[1]);
                assertThat(r.capturedLength()).isEqualTo(written.get(i).length);
                final byte[] got = new byte[r.capturedLength()];
                r.frame().getBytes(0, got);
                assertThat(got).isEqualTo(written.get(i));
            }
            assertThat(r.next()).isFalse();
            assertThat(r.next()).isFalse();
        }
    }

    @Test
    void shouldWriteTheSameBytesWithASmallStagingBuffer() throws Exception {
        final Path big = dir.resolve("big.pcap");
        final Path small = dir.resolve("small.pcap");
        try (PcapWriter a = PcapWriter.open(big, PcapFormat.LINKTYPE_RAW, 200);
             PcapWriter b = PcapWriter.open(small, PcapFormat.LINKTYPE_RAW, 200, true, 1)) {
            for (int i = 0; i < 3_000; i++) {
                final byte[] data = PcapFiles.pattern(40 + i % 300, i);
                a.writeRecord(i * 1_000L, data, 0, data.length, data.length + 7);
                b.writeRecord(i * 1_000L, data, 0, data.length, data.length + 7);
            }
        }
        // 3000 records of up to 216 bytes through a buffer of two records: many flushes, same file.
        assertThat(Files.size(small)).isGreaterThan(100L * (2 * (16 + 200)));
        assertThat(Files.readAllBytes(small)).isEqualTo(Files.readAllBytes(big));
        assertThatThrownBy(() -> PcapWriter.open(dir.resolve("none.pcap"), PcapFormat.LINKTYPE_RAW, 200, true, 0))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("buffer of 0 bytes");
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString()).sorted().toList())
                .containsExactly("big.pcap", "small.pcap");
        }
    }

    @Test
    void shouldWriteTheDocumentedLittleEndianNanosecondHeaderAndRecord() throws Exception {
        final Path file = dir.resolve("header.pcap");
        try (PcapWriter w = PcapWriter.open(file, PcapFormat.LINKTYPE_RAW, 65_535)) {
            w.writeRecord(3_000_000_123L, new byte[] {0x45, 0}, 0, 2, 40);
        }
        final ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.limit()).isEqualTo(24 + 16 + 2);
        assertThat(Arrays.copyOf(b.array(), 4)).containsExactly(0x4d, 0x3c, 0xb2, 0xa1);
        assertThat(b.getInt(0)).isEqualTo(0xa1b23c4d);
        assertThat(b.getShort(4)).isEqualTo((short) 2);
        assertThat(b.getShort(6)).isEqualTo((short) 4);
        assertThat(b.getInt(16)).isEqualTo(65_535);
        assertThat(b.getInt(20)).isEqualTo(101);
        assertThat(b.getInt(24)).isEqualTo(3);
        assertThat(b.getInt(28)).isEqualTo(123);
        assertThat(b.getInt(32)).isEqualTo(2);
        assertThat(b.getInt(36)).isEqualTo(40);
        assertThat(b.get(40)).isEqualTo((byte) 0x45);
    }

    @Test
    void shouldWriteAndReadMicrosecondFiles() throws Exception {
        final Path file = dir.resolve("micro.pcap");
        try (PcapWriter w = PcapWriter.open(file, PcapFormat.LINKTYPE_ETHERNET, 1500, false)) {
            w.writeRecord(1_234_567_891L, PcapFiles.pattern(60, 1), 0, 60, 60);
        }
        assertThat(ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN).getInt(0))
            .isEqualTo(PcapFormat.MAGIC_MICROSECONDS);
        try (PcapReader r = PcapReader.open(file)) {
            assertThat(r.nanoseconds()).isFalse();
            assertThat(r.next()).isTrue();
            // microseconds: the nanoseconds below one microsecond are lost
            assertThat(r.timeNs()).isEqualTo(1_234_567_000L);
        }
    }

    @Test
    void shouldReadBothByteOrdersAndBothResolutions() throws Exception {
        for (final ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
            for (final boolean nanos : new boolean[] {true, false}) {
                final Path file = dir.resolve("o-" + order + "-" + nanos + ".pcap");
                final byte[] data = PcapFiles.pattern(42, 9);
                new PcapFiles(order)
                    .fileHeader(nanos ? PcapFormat.MAGIC_NANOSECONDS : PcapFormat.MAGIC_MICROSECONDS, 2, 4, 96,
                        PcapFormat.LINKTYPE_RAW)
                    .record(0xF000_0000L, nanos ? 999_999_999L : 999_999L, 42, 1500, data)
                    .record(5, 6, 0, 0, new byte[0])
                    .write(file);
                try (PcapReader r = PcapReader.open(file)) {
                    assertThat(r.byteOrder()).isEqualTo(order);
                    assertThat(r.nanoseconds()).isEqualTo(nanos);
                    assertThat(r.snaplenBytes()).isEqualTo(96);
                    assertThat(r.linkType()).isEqualTo(101);
                    assertThat(r.next()).isTrue();
                    // seconds are unsigned 32-bit
                    assertThat(r.timeNs()).isEqualTo(0xF000_0000L * 1_000_000_000L + 999_999_999L - (nanos ? 0 : 999));
                    assertThat(r.capturedLength()).isEqualTo(42);
                    assertThat(r.originalLength()).isEqualTo(1500);
                    final byte[] got = new byte[42];
                    r.frame().getBytes(0, got);
                    assertThat(got).isEqualTo(data);
                    assertThat(r.next()).isTrue();
                    assertThat(r.timeNs()).isEqualTo(5_000_000_000L + (nanos ? 6 : 6_000));
                    assertThat(r.capturedLength()).isZero();
                    assertThat(r.next()).isFalse();
                }
            }
        }
    }

    @Test
    void shouldAcceptOlderMinorVersionsAndIgnoreFcsBitsOfTheLinkType() throws Exception {
        final Path file = new PcapFiles(ByteOrder.BIG_ENDIAN)
            .fileHeader(PcapFormat.MAGIC_MICROSECONDS, 2, 2, 65_535, 0x1000_0001)
            .write(dir.resolve("old.pcap"));
        try (PcapReader r = PcapReader.open(file)) {
            assertThat(r.versionMinor()).isEqualTo(2);
            assertThat(r.linkType()).isEqualTo(1);
            assertThat(r.next()).isFalse();
        }
    }

    @Test
    void shouldWritePacketsFromTheStoreWithZerosForTheUnstoredPayload() throws Exception {
        final PacketStore store = new PacketStore(8);
        final PacketBuilder builder = new PacketBuilder(store);
        final int h = builder.reset().payload(1_000).build();
        final int wire = store.length(h);
        assertThat(wire).isEqualTo(14 + 20 + 20 + 1_000);
        final int stored = store.storedLength(h);
        assertThat(stored).isLessThan(200);
        final byte[] expected = new byte[200];
        store.buffer().getBytes(store.frameOffset(h), expected, 0, stored);
        final Path file = dir.resolve("store.pcap");
        try (PcapWriter w = PcapWriter.open(file, PcapFormat.LINKTYPE_ETHERNET, 200)) {
            w.writePacket(7, store, h);
            w.writePacket(8, store, h);
        }
        try (PcapReader r = PcapReader.open(file)) {
            assertThat(r.next()).isTrue();
            assertThat(r.capturedLength()).isEqualTo(200);
            assertThat(r.originalLength()).isEqualTo(wire);
            final byte[] got = new byte[200];
            r.frame().getBytes(0, got);
            assertThat(got).isEqualTo(expected);
            assertThat(new EthernetView().wrap(new UnsafeBuffer(got), 0).ethertype())
                .isEqualTo(EthernetView.ETHERTYPE_IPV4);
            // back into a store: stored bytes, wire length and time
            final PacketStore other = new PacketStore(2);
            final int copy = r.toPacket(other);
            assertThat(other.length(copy)).isEqualTo(wire);
            assertThat(other.arrivalNs(copy)).isEqualTo(7);
            assertThat(other.hasFlag(copy, PacketStore.FLAG_RAW_IP)).isFalse();
            final byte[] back = new byte[200];
            other.getFrame(copy, back, 0, 200);
            assertThat(back).isEqualTo(expected);
            assertThat(r.next()).isTrue();
            assertThat(r.toPacket(other)).isNotEqualTo(PacketStore.NO_PACKET);
            assertThat(r.toPacket(other)).isEqualTo(PacketStore.NO_PACKET);
        }
    }

    @Test
    void shouldMoveTheFileIntoPlaceOnlyOnCloseAndLeaveNothingOnAbort() throws Exception {
        final Path file = dir.resolve("tap.pcap");
        final PcapWriter w = PcapWriter.open(file, PcapFormat.LINKTYPE_ETHERNET, 128);
        w.writeRecord(1, new byte[60], 0, 60, 60);
        assertThat(file).doesNotExist();
        w.close();
        assertThat(file).exists();
        final long size = Files.size(file);
        final PcapWriter aborted = PcapWriter.open(file, PcapFormat.LINKTYPE_ETHERNET, 128);
        aborted.writeRecord(1, new byte[60], 0, 60, 60);
        aborted.writeRecord(2, new byte[60], 0, 60, 60);
        aborted.abort();
        assertThat(Files.size(file)).isEqualTo(size);
        try (var listing = Files.list(dir)) {
            assertThat(listing).containsExactly(file);
        }
        assertThatThrownBy(() -> aborted.writeRecord(3, new byte[1], 0, 1, 1))
            .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldRejectBadWriterArguments() throws Exception {
        final Path file = dir.resolve("bad.pcap");
        assertThatThrownBy(() -> PcapWriter.open(file, 105, 100)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("unsupported link type 105");
        assertThatThrownBy(() -> PcapWriter.open(file, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PcapWriter.open(file, 1, PcapFormat.MAX_SNAPLEN + 1))
            .isInstanceOf(IllegalArgumentException.class);
        try (PcapWriter w = PcapWriter.open(file, 1, 100)) {
            assertThatThrownBy(() -> w.writeRecord(-1, new byte[1], 0, 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("record 1 at -1 ns");
            assertThatThrownBy(() -> w.writeRecord(1, new byte[10], 0, 10, 5))
                .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void shouldWriteAndReadRecordsWithoutAllocating() throws Exception {
        final Path file = dir.resolve("alloc.pcap");
        final byte[] frame = PcapFiles.pattern(60, 3);
        final long[] t = new long[1];
        try (PcapWriter w = PcapWriter.open(file, PcapFormat.LINKTYPE_ETHERNET, 96)) {
            AllocationMeter.assertNoAllocation("PcapWriter.writeRecord", () -> {
                try {
                    w.writeRecord(t[0]++, frame, 0, 60, 1514);
                } catch (final IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            // enough records that the reader's measured windows (retries included) never reach the end
            for (int i = 0; i < 60_000; i++) {
                w.writeRecord(t[0]++, frame, 0, 60, 1514);
            }
        }
        final long[] sum = new long[1];
        try (PcapReader r = PcapReader.open(file)) {
            // the meter retries (further windows of 5000 records after 5000 more warm-up) if a JIT
            // deoptimisation allocated once; every measured call must have read a record, not hit the end
            AllocationMeter.assertNoAllocation("PcapReader.next", 20_000, 5_000, () -> {
                try {
                    if (r.next()) {
                        sum[0] += r.timeNs() + r.frame().getByte(59);
                    }
                } catch (final IOException | PcapFormatException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(r.recordNumber()).isGreaterThanOrEqualTo(25_000L);
            assertThat(r.next()).as("records left after the measured reads").isTrue();
        }
        assertThat(sum[0]).isPositive();
    }
}
