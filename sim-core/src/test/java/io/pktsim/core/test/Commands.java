package io.pktsim.core.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command of the host for the tests that compare pktsim with the running kernel (they create and delete
 * their own network namespace): its exit code and what it printed, standard error merged into standard output.
 */
public final class Commands {

    private Commands() {
    }

    /**
     * What a command did.
     *
     * @param code its exit code; -1 if it could not start or did not end in time
     * @param out what it printed (standard output and error), or why it failed
     */
    public record Result(int code, String out) {
    }

    /**
     * Runs {@code line} (words separated by single spaces, no quoting) inside network namespace {@code ns}
     * ({@code ip netns exec}) and waits for it.
     *
     * @param timeoutMs how long to wait before killing it
     * @param ns the namespace
     * @param line the command and its arguments
     * @return its exit code and output
     */
    public static Result inNamespace(final long timeoutMs, final String ns, final String line) {
        final String[] words = line.split(" ");
        final String[] cmd = new String[4 + words.length];
        cmd[0] = "ip";
        cmd[1] = "netns";
        cmd[2] = "exec";
        cmd[3] = ns;
        System.arraycopy(words, 0, cmd, 4, words.length);
        return run(timeoutMs, cmd);
    }

    /**
     * Runs {@code cmd} and waits for it.
     *
     * @param timeoutMs how long to wait before killing it
     * @param cmd the command and its arguments
     * @return its exit code and output
     */
    public static Result run(final long timeoutMs, final String... cmd) {
        try {
            final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            if (!p.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Result(-1, out);
            }
            return new Result(p.exitValue(), out);
        } catch (final IOException e) {
            return new Result(-1, e.getMessage());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, e.getMessage());
        }
    }
}
