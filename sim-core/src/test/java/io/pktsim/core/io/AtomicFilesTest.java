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
}
