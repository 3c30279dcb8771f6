package io.pktsim.cli.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import io.pktsim.core.io.AtomicFiles;

/**
 * Checks an output file named on the command line (or in a scenario) before anything runs, so that a target
 * that cannot be written is bad usage (exit code 2) with one line naming the option, not a failed write after
 * the work (exit code 1) with the name of a temporary file.
 */
public final class OutputTarget {

    private OutputTarget() {
    }

    /**
     * What is wrong with an output file, or null if it can be written: an empty name, a directory, a parent that
     * does not exist or is not a directory, or a directory where no file can be created (tried with an empty
     * temporary file, removed at once). A device or a named pipe ({@link AtomicFiles#writesInPlace}) is taken as
     * it is.
     *
     * @param option the option, e.g. {@code --json}, for the message
     * @param target the file
     * @return the problem, e.g. {@code --json out/a.json: directory /x/out does not exist}, or null
     */
    public static String fileProblem(final String option, final String target) {
        if (target.isBlank()) {
            return option + " '" + target + "': expected a file name";
        }
        final Path t = Path.of(target);
        if (AtomicFiles.writesInPlace(t)) {
            return null;
        }
        if (Files.isDirectory(t)) {
            return option + " " + target + ": is a directory";
        }
        return parentProblem(option, target, t);
    }

    /**
     * What is wrong with the directory an output is created in, or null: it must exist, be a directory and take a
     * new file.
     *
     * @param option the option, for the message
     * @param target the output (a file, or a directory to create)
     * @param t the output as a path
     * @return the problem or null
     */
    public static String parentProblem(final String option, final String target, final Path t) {
        final Path parent = t.toAbsolutePath().getParent();
        if (parent == null) {
            return null;
        }
        if (!Files.exists(parent)) {
            return option + " " + target + ": directory " + parent + " does not exist";
        }
        if (!Files.isDirectory(parent)) {
            return option + " " + target + ": " + parent + " is not a directory";
        }
        try {
            Files.delete(AtomicFiles.createTempBeside(t, ".probe"));
        } catch (final AccessDeniedException e) {
            return option + " " + target + ": cannot create a file in " + parent + ": permission denied";
        } catch (final FileSystemException e) {
            return option + " " + target + ": cannot create a file in " + parent
                + (e.getReason() == null ? "" : ": " + e.getReason().toLowerCase(Locale.ROOT));
        } catch (final IOException e) {
            return option + " " + target + ": cannot create a file in " + parent;
        }
        return null;
    }

    /**
     * Whether two outputs (or an output and an input) are the same file: the same absolute path, or, when both
     * exist, the same file through links.
     *
     * @param a one path
     * @param b the other
     * @return true if writing one would overwrite the other
     */
    public static boolean same(final String a, final String b) {
        if (a == null || b == null || a.isBlank() || b.isBlank()) {
            return false;
        }
        final Path pa = Path.of(a).toAbsolutePath().normalize();
        final Path pb = Path.of(b).toAbsolutePath().normalize();
        if (pa.equals(pb)) {
            return true;
        }
        try {
            return Files.exists(pa) && Files.exists(pb) && Files.isSameFile(pa, pb);
        } catch (final IOException e) {
            return false;
        }
    }

    /**
     * Writes text (UTF-8) to a temporary file beside the target and moves it into place, so that a failure leaves
     * no half-written output; a device or a named pipe is written as it is.
     *
     * @param target the output file
     * @param text the content
     * @throws IOException if writing or moving fails (the target is then untouched)
     */
    public static void writeAtomically(final Path target, final String text) throws IOException {
        if (AtomicFiles.writesInPlace(target)) {
            Files.writeString(target, text, StandardCharsets.UTF_8);
            return;
        }
        final Path tmp = AtomicFiles.createTempBeside(target, ".partial");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            AtomicFiles.commit(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
