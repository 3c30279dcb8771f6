package io.pktsim.core.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Temporary files beside an output, moved into place when complete. The temporary file is created with the
 * permissions an ordinary new file gets ({@code rw-rw-rw-} less the process umask, so usually {@code 0644}),
 * not the owner-only {@code 0600} of {@link Files#createTempFile(Path, String, String, FileAttribute[])}
 * without attributes: a result moved into place must be readable as any file the user writes.
 *
 * <p>A target that is a symbolic link is followed: the temporary file goes beside the file the link names and
 * replaces that file, and the link stays. A target that exists and is neither a regular file nor a directory
 * ({@code /dev/null}, {@code /dev/stdout}, a named pipe) is not replaced at all (moving a file onto it would
 * replace the device, which root can do): callers write such a target in place, see {@link #writesInPlace}.
 */
public final class AtomicFiles {

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> ORDINARY = PosixFilePermissions.fromString("rw-rw-rw-");

    private AtomicFiles() {
    }

    /**
     * Creates an empty temporary file in the target's directory, named after the target, hidden (leading dot).
     *
     * @param target the output the temporary file will become
     * @param suffix the temporary file's suffix, e.g. {@code ".partial"}
     * @return the temporary file's path
     * @throws IOException if it cannot be created (e.g. the directory does not exist)
     */
    public static Path createTempBeside(final Path target, final String suffix) throws IOException {
        final Path abs = followLink(target);
        final String prefix = "." + abs.getFileName() + ".";
        if (POSIX) {
            return Files.createTempFile(abs.getParent(), prefix, suffix,
                PosixFilePermissions.asFileAttribute(ORDINARY));
        }
        return Files.createTempFile(abs.getParent(), prefix, suffix);
    }

    /**
     * Moves a complete temporary file onto its target, atomically where the file system allows.
     *
     * @param temporary the temporary file from {@link #createTempBeside(Path, String)}
     * @param target the output
     * @throws IOException if the move fails (the target is then untouched)
     */
    public static void commit(final Path temporary, final Path target) throws IOException {
        final Path real = followLink(target);
        if (writesInPlace(real)) {
            throw new IOException(target + ": not a regular file; it is written in place, not replaced");
        }
        try {
            Files.move(temporary, real, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (final AtomicMoveNotSupportedException e) {
            Files.move(temporary, real, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Whether an output must be written in place instead of through a temporary file: it exists and is neither a
     * regular file nor a directory (a device such as {@code /dev/null}, a named pipe, a socket), following links.
     *
     * @param target the output
     * @return true to open and write the target itself
     */
    public static boolean writesInPlace(final Path target) {
        return Files.exists(target) && !Files.isRegularFile(target) && !Files.isDirectory(target);
    }

    /** The absolute target, or the file an existing symbolic link names (so the link is kept). */
    private static Path followLink(final Path target) throws IOException {
        final Path abs = target.toAbsolutePath();
        if (Files.isSymbolicLink(abs) && Files.exists(abs)) {
            return abs.toRealPath();
        }
        return abs;
    }
}
