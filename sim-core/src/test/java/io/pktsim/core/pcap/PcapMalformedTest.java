package io.pktsim.core.pcap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapMalformedTest {

    @TempDir
    Path dir;

    private static PcapFiles le() {
        return new PcapFiles(ByteOrder.LITTLE_ENDIAN);
    }

    private static PcapFiles good() {
        return le().fileHeader(PcapFormat.MAGIC_NANOSECONDS, 2, 4, 100, 1);
    }

    /** Opens and reads every record; returns the exception's message. */
    private String readAll(final String name, final byte[] bytes) throws Exception {
        final Path file = dir.resolve(name);
        Files.write(file, bytes);
        final PcapFormatException e = org.junit.jupiter.api.Assertions.assertThrows(PcapFormatException.class, () -> {
            try (PcapReader r = PcapReader.open(file)) {
                while (r.next()) {
                    // read on
                }
            }
        });
        assertThat(e.file()).isEqualTo(file);
        assertThat(e.getMessage()).startsWith(file + ": ").doesNotContain("\n");
        return e.getMessage().substring(file.toString().length() + 2);
    }

    @Test
    void shouldRejectAnEmptyFile() throws Exception {
        assertThat(readAll("empty.pcap", new byte[0]))
            .isEqualTo("file header: truncated file header: 0 of 24 bytes (empty file)");
    }

    @Test
    void shouldRejectATruncatedFileHeader() throws Exception {
        assertThat(readAll("short.pcap", Arrays.copyOf(good().toBytes(), 10)))
            .isEqualTo("file header: truncated file header: 10 of 24 bytes");
        assertThat(readAll("tiny.pcap", new byte[] {1, 2}))
            .isEqualTo("file header: truncated file header: 2 of 24 bytes");
    }

    @Test
    void shouldRejectABadMagicNumber() throws Exception {
        final byte[] text = "hello, this is not a capture".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(readAll("text.pcap", text))
            .isEqualTo("file header: bad magic number 0x68656c6c (expected 0xa1b2c3d4 or 0xa1b23c4d in either "
                + "byte order): not a pcap file");
        assertThat(readAll("ng.pcap", new PcapFiles(ByteOrder.BIG_ENDIAN)
            .fileHeader(PcapFormat.MAGIC_PCAPNG, 0, 0, 0, 0).toBytes()))
            .startsWith("file header: this is a pcapng file; only pcap is supported");
    }

    @Test
    void shouldRejectAnUnsupportedVersion() throws Exception {
        assertThat(readAll("v3.pcap", le().fileHeader(PcapFormat.MAGIC_NANOSECONDS, 3, 0, 100, 1).toBytes()))
            .isEqualTo("file header: unsupported version 3.0 (expected 2.4)");
        assertThat(readAll("v25.pcap", le().fileHeader(PcapFormat.MAGIC_NANOSECONDS, 2, 5, 100, 1).toBytes()))
            .isEqualTo("file header: unsupported version 2.5 (expected 2.4)");
    }

    @Test
    void shouldRejectAnUnsupportedLinkType() throws Exception {
        assertThat(readAll("wifi.pcap", le().fileHeader(PcapFormat.MAGIC_NANOSECONDS, 2, 4, 100, 105).toBytes()))
            .isEqualTo("file header: unsupported link type 105 (supported: 1 Ethernet, 101 raw IP, 113 Linux cooked)");
    }

    @Test
    void shouldRejectATruncatedRecordHeader() throws Exception {
        final byte[] bytes = good().record(1, 0, 4, 4, new byte[4]).raw(new byte[7]).toBytes();
        assertThat(readAll("rec-header.pcap", bytes))
            .isEqualTo("record 2 (byte 44): truncated record header: 7 of 16 bytes");
    }

    @Test
    void shouldRejectTruncatedRecordData() throws Exception {
        final byte[] whole = good().record(1, 0, 60, 60, new byte[60]).toBytes();
        assertThat(readAll("rec-data.pcap", Arrays.copyOf(whole, whole.length - 50)))
            .isEqualTo("record 1 (byte 24): truncated record data: 10 of 60 bytes");
    }

    @Test
    void shouldRejectACapturedLengthAboveTheSnapshotLength() throws Exception {
        assertThat(readAll("caplen.pcap", good().record(1, 0, 101, 101, new byte[101]).toBytes()))
            .isEqualTo("record 1 (byte 24): captured length 101 bytes exceeds the snapshot length 100 bytes");
    }

    @Test
    void shouldRejectAnAbsurdCapturedLength() throws Exception {
        final byte[] bytes = le().fileHeader(PcapFormat.MAGIC_MICROSECONDS, 2, 4, 0, 1)
            .record(1, 0, 0xFFFF_FFF0L, 0xFFFF_FFF0L, new byte[8]).toBytes();
        assertThat(readAll("absurd.pcap", bytes))
            .isEqualTo("record 1 (byte 24): captured length 4294967280 bytes is absurd (more than 262144)");
    }

    @Test
    void shouldRejectACapturedLengthAboveTheOriginalLength() throws Exception {
        assertThat(readAll("orig.pcap", good().record(1, 0, 60, 50, new byte[60]).toBytes()))
            .isEqualTo("record 1 (byte 24): captured length 60 bytes exceeds the original length 50 bytes");
    }

    @Test
    void shouldRejectATimestampFractionOfASecondOrMore() throws Exception {
        assertThat(readAll("frac.pcap", good().record(1, 1_000_000_000L, 0, 0, new byte[0]).toBytes()))
            .isEqualTo("record 1 (byte 24): timestamp fraction 1000000000 ns is not below one second");
        final byte[] micro = new PcapFiles(ByteOrder.BIG_ENDIAN)
            .fileHeader(PcapFormat.MAGIC_MICROSECONDS, 2, 4, 100, 101)
            .record(1, 0, 0, 0, new byte[0]).record(1, 1_000_000, 0, 0, new byte[0]).toBytes();
        assertThat(readAll("frac-us.pcap", micro))
            .isEqualTo("record 2 (byte 40): timestamp fraction 1000000 us is not below one second");
    }

    @Test
    void shouldCarryTheRecordAndOffsetInTheException() throws Exception {
        final Path file = good().record(1, 0, 0, 0, new byte[0]).record(1, 0, 500, 500, new byte[0])
            .write(dir.resolve("fields.pcap"));
        try (PcapReader r = PcapReader.open(file)) {
            assertThat(r.next()).isTrue();
            assertThatThrownBy(r::next).isInstanceOfSatisfying(PcapFormatException.class, e -> {
                assertThat(e.recordNumber()).isEqualTo(2);
                assertThat(e.byteOffset()).isEqualTo(40);
                assertThat(e.problem()).isEqualTo("captured length 500 bytes exceeds the snapshot length 100 bytes");
            });
        }
    }
}
