package io.pktsim.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Assumptions;

/** Named pipes for tests of outputs that are not regular files (made with {@code mkfifo}; skipped without it). */
public final class Fifos {

    private Fifos() {
    }

    /**
     * Makes a named pipe, or skips the test.
     *
     * @param path where
     * @return the path
     * @throws Exception if mkfifo cannot be run
     */
    public static Path make(final Path path) throws Exception {
        int code;
        try {
            code = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start().waitFor();
        } catch (final IOException e) {
            code = -1;
        }
        Assumptions.assumeTrue(code == 0, "mkfifo is not available: skipping the named-pipe test");
        return path;
    }

    /**
     * @param path a path
     * @return true if it is a named pipe (not a regular file, a directory or a link)
     * @throws IOException if its attributes cannot be read
     */
    public static boolean isFifo(final Path path) throws IOException {
        return Files.exists(path, LinkOption.NOFOLLOW_LINKS) && "p".equals(kind(path));
    }

    private static String kind(final Path path) throws IOException {
        final Object other = Files.readAttributes(path, "unix:mode", LinkOption.NOFOLLOW_LINKS).get("mode");
        final int mode = (Integer) other;
        return (mode & 0170000) == 0010000 ? "p" : "?";
    }

    /**
     * Reads a pipe to its end in the background (a writer blocks until a reader opens it).
     *
     * @param path the pipe
     * @return the bytes read, when the writer closes it
     */
    public static CompletableFuture<byte[]> drain(final Path path) {
        return CompletableFuture.supplyAsync(() -> {
            try (InputStream in = Files.newInputStream(path)) {
                return in.readAllBytes();
            } catch (final IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }
}
