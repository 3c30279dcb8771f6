package io.pktsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

class PktsimMainTest {

    /** The output of one in-process run. */
    static final class Result {
        final int exit;
        final String out;
        final String err;

        Result(final int exit, final String out, final String err) {
            this.exit = exit;
            this.out = out;
            this.err = err;
        }
    }

    static Result run(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int exit;
        try (PrintWriter o = new PrintWriter(out); PrintWriter e = new PrintWriter(err)) {
            exit = PktsimMain.execute(o, e, args);
        }
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void shouldPrintTheVersionAndTheGitCommit() {
        final Result r = run("--version");
        assertThat(r.exit).isZero();
        assertThat(r.err).isEmpty();
        // filtered at build time: no unresolved ${...} placeholders
        assertThat(r.out).doesNotContain("${").doesNotContain("unknown");
        assertThat(r.out.strip()).matches("pktsim \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(commit [0-9a-f]{7,40}(-dirty)?\\)");
        assertThat(run("-V").out).isEqualTo(r.out);
    }

    @Test
    void shouldPrintHelp() {
        final Result r = run("--help");
        assertThat(r.exit).isZero();
        assertThat(r.err).isEmpty();
        assertThat(r.out).startsWith("Usage: pktsim ").contains("--version").contains("--help");
        assertThat(r.out).contains("\n  ecmp          ").contains("\n  gro           Replay a capture")
            .contains("\n  gso           Cut TCP super-packets")
            .contains("\n  explain       Narrate a small built-in scenario")
            .contains("\n  run           Run a scenario").contains("\n  sweep         Run a scenario for every")
            .contains("\n  validate      Check a scenario").contains("\n  show-profile  Print a device preset");
    }

    /**
     * Every command's help reads well on an 80-column terminal: each description line is wrapped by hand within 80
     * columns (picocli wraps a longer one again, which leaves a short line mid-sentence), and the synopsis of an
     * option split at commas does not repeat its label.
     */
    @Test
    void shouldPrintEveryCommandsHelpWithin80Columns() {
        final java.util.ArrayDeque<picocli.CommandLine> todo = new java.util.ArrayDeque<>();
        todo.add(PktsimMain.newCommandLine());
        int commands = 0;
        // picocli formats every help text with String.format: a lone '%' (say "95 % confidence") makes it print a
        // warning to standard error and show the raw text
        final java.io.PrintStream err = System.err;
        final java.io.ByteArrayOutputStream warnings = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(warnings, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            while (!todo.isEmpty()) {
                final picocli.CommandLine c = todo.poll();
                todo.addAll(c.getSubcommands().values());
                final String name = c.getCommandSpec().qualifiedName();
                for (final String line : c.getCommandSpec().usageMessage().description()) {
                    assertThat(line.length()).as("%s: %s", name, line).isLessThanOrEqualTo(80);
                }
                assertThat(c.getUsageMessage()).as(name).doesNotContain("...]...]").doesNotContain("......");
                commands++;
            }
        } finally {
            System.setErr(err);
        }
        assertThat(warnings.toString(java.nio.charset.StandardCharsets.UTF_8)).as("picocli's warnings").isEmpty();
        assertThat(commands).isGreaterThanOrEqualTo(10);
    }

    @Test
    void shouldPrintUsageWithoutArguments() {
        final Result r = run();
        assertThat(r.exit).isZero();
        assertThat(r.out).startsWith("Usage: pktsim ");
    }

    @Test
    void shouldRejectAnUnknownOptionWithOneLineAndExitCode2() {
        final Result r = run("--bogus");
        assertThat(r.exit).isEqualTo(PktsimMain.EXIT_USAGE).isEqualTo(2);
        assertThat(r.out).isEmpty();
        assertThat(r.err).isEqualTo("pktsim: Unknown option: '--bogus' (try 'pktsim --help')" + System.lineSeparator());
        assertThat(r.err).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void shouldRejectAPathThatNamesNoFileInWords() {
        // found by the bad-input fuzzer: picocli printed java.nio.file.InvalidPathException for a NUL character
        final Result r = run("validate", "a\0b.yaml");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).isEqualTo("pktsim: Invalid value for positional parameter at index 0 (FILE): 'a?b.yaml' is "
            + "not a file name (nul character not allowed) (try 'pktsim validate --help')" + System.lineSeparator());
        assertThat(run("gro", "--in", "x.pcap", "--weight", "4").err).doesNotContain("Invalid value");
    }

    @Test
    void shouldRejectAnUnknownCommandWithOneLineAndExitCode2() {
        final Result r = run("frobnicate", "now");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err.lines().count()).isEqualTo(1);
        assertThat(r.err).startsWith("pktsim: ").contains("frobnicate").doesNotContain("\tat ");
    }

    @Test
    void shouldReportAFailingCommandInOneLineWithoutAStackTraceUnlessVerbose() {
        final picocli.CommandLine cmd = PktsimMain.newCommandLine();
        cmd.addSubcommand("explode", new Explode());
        final StringWriter err = new StringWriter();
        cmd.setErr(new PrintWriter(err, true));
        assertThat(cmd.execute("explode")).isEqualTo(PktsimMain.EXIT_FAILED);
        assertThat(err.toString()).isEqualTo("pktsim: the model broke" + System.lineSeparator());
        final StringWriter verbose = new StringWriter();
        cmd.setErr(new PrintWriter(verbose, true));
        assertThat(cmd.execute("explode", "--verbose")).isEqualTo(PktsimMain.EXIT_FAILED);
        assertThat(verbose.toString()).startsWith("pktsim: the model broke").contains("\tat ");
    }

    @picocli.CommandLine.Command(name = "explode")
    static final class Explode implements Runnable {
        @Override
        public void run() {
            throw new IllegalStateException("the model broke\n  second line");
        }
    }
}
