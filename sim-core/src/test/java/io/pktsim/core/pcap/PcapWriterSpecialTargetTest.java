package io.pktsim.core.pcap;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.io.Fifos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A capture into a named pipe (or {@code /dev/null}) is written in place; the pipe is never replaced by a file. */
class PcapWriterSpecialTargetTest {

    @TempDir
    Path dir;

    @Test
    void shouldStreamACaptureIntoANamedPipeAndLeaveThePipe() throws Exception {
        final Path pipe = Fifos.make(dir.resolve("capture.pcap"));
        final CompletableFuture<byte[]> read = Fifos.drain(pipe);
        final byte[] frame = new byte[60];
        frame[12] = 0x08;
        try (PcapWriter w = PcapWriter.open(pipe, PcapFormat.LINKTYPE_ETHERNET, 262_144)) {
            w.writeRecord(1_000L, frame, 0, frame.length, frame.length);
            w.writeRecord(2_000L, frame, 0, frame.length, frame.length);
        }
        final byte[] bytes = read.get(30, TimeUnit.SECONDS);
        assertThat(bytes).hasSize(24 + 2 * (16 + 60));
        assertThat(Fifos.isFifo(pipe)).isTrue();
        try (var s = Files.list(dir)) {
            assertThat(s).as("no temporary file left").containsExactly(pipe);
        }
    }
}
