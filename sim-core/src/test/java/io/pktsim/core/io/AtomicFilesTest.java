package io.pktsim.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void shouldMoveTheTemporaryFileIntoPlaceReadableByOthers() throws IOException {
        Assumptions.assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
            "not a POSIX file system");
        final Path target = dir.resolve("out.pcap");
        final Path tmp = AtomicFiles.createTempBeside(target, ".partial");
        assertThat(tmp.getParent()).isEqualTo(dir.toAbsolutePath());
        assertThat(tmp.getFileName().toString()).startsWith(".out.pcap.").endsWith(".partial");
        Files.writeString(tmp, "x", StandardCharsets.UTF_8);
        AtomicFiles.commit(tmp, target);
        assertThat(tmp).doesNotExist();
        assertThat(Files.readString(target)).isEqualTo("x");
        // the same permissions as an ordinary new file (0666 less the umask), not createTempFile's 0600
        final Path ordinary = Files.createFile(dir.resolve("ordinary"));
        assertThat(Files.getPosixFilePermissions(target)).isEqualTo(Files.getPosixFilePermissions(ordinary))
            .contains(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void shouldReplaceAnExistingTarget() throws IOException {
        final Path target = dir.resolve("result.json");
        Files.writeString(target, "old", StandardCharsets.UTF_8);
        final Path tmp = AtomicFiles.createTempBeside(target, ".tmp");
        Files.writeString(tmp, "new", StandardCharsets.UTF_8);
        AtomicFiles.commit(tmp, target);
        assertThat(Files.readString(target)).isEqualTo("new");
    }

    @Test
    void shouldReplaceTheFileALinkNamesAndKeepTheLink() throws IOException {
        final Path real = Files.writeString(dir.resolve("real.json"), "old", StandardCharsets.UTF_8);
        final Path link = Files.createSymbolicLink(dir.resolve("link.json"), real.getFileName());
        final Path tmp = AtomicFiles.createTempBeside(link, ".tmp");
        Files.writeString(tmp, "new", StandardCharsets.UTF_8);
        AtomicFiles.commit(tmp, link);
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(real)).isEqualTo("new");
    }

    @Test
    void shouldWriteDevicesAndPipesInPlaceAndNeverReplaceThem() throws Exception {
        assertThat(AtomicFiles.writesInPlace(dir.resolve("missing"))).isFalse();
        assertThat(AtomicFiles.writesInPlace(Files.writeString(dir.resolve("f"), "x"))).isFalse();
        assertThat(AtomicFiles.writesInPlace(dir)).isFalse();
        final Path devNull = Path.of("/dev/null");
        Assumptions.assumeTrue(Files.exists(devNull) && !Files.isRegularFile(devNull), "no /dev/null device");
        assertThat(AtomicFiles.writesInPlace(devNull)).isTrue();
        final Path fifo = Fifos.make(dir.resolve("pipe"));
        assertThat(AtomicFiles.writesInPlace(fifo)).isTrue();
        // commit refuses to move a file onto a device or pipe (as root that would replace /dev/null itself)
        final Path tmp = AtomicFiles.createTempBeside(dir.resolve("other"), ".tmp");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AtomicFiles.commit(tmp, fifo))
            .isInstanceOf(IOException.class).hasMessageContaining("not a regular file");
        assertThat(Fifos.isFifo(fifo)).isTrue();
    }
}
