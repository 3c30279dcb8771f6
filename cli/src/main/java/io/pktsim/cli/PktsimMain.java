package io.pktsim.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;

import io.pktsim.cli.ecmp.EcmpCommand;
import io.pktsim.cli.gro.GroCommand;
import io.pktsim.cli.gro.GsoCommand;
import io.pktsim.cli.napi.ExplainCommand;
import io.pktsim.cli.run.RunCommand;
import io.pktsim.cli.scenario.ShowProfileCommand;
import io.pktsim.cli.scenario.ValidateCommand;
import io.pktsim.cli.sweep.SweepCommand;
import io.pktsim.cli.timeline.TimelineCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code pktsim} command. Subcommands are added by the issues that build them.
 *
 * <p>Exit codes: 0 success, 1 a run that failed, 2 bad usage or bad input. An error is one line on standard
 * error, without a stack trace unless {@code --verbose} is given.
 */
@Command(
    name = "pktsim",
    mixinStandardHelpOptions = true,
    versionProvider = PktsimMain.VersionProvider.class,
    description = {"A deterministic simulator of the Linux packet path: NIC rings, NAPI, GRO/GSO,",
        "ECMP, multi-dial PPPoE routers."},
    subcommands = {CommandLine.HelpCommand.class, EcmpCommand.class, GroCommand.class, GsoCommand.class,
        ExplainCommand.class, RunCommand.class, SweepCommand.class, TimelineCommand.class, ValidateCommand.class,
        ShowProfileCommand.class})
public final class PktsimMain implements Runnable {

    /** Exit code of a successful command. */
    public static final int EXIT_OK = 0;
    /** Exit code of a run that started and failed. */
    public static final int EXIT_FAILED = 1;
    /** Exit code of bad usage or bad input. */
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
        description = "On an error, print the stack trace too.")
    private boolean verbose;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Runs the command line and returns the exit code, without calling {@link System#exit}.
     *
     * @param out standard output
     * @param err standard error
     * @param args the arguments
     * @return the exit code
     */
    public static int execute(final PrintWriter out, final PrintWriter err, final String... args) {
        final CommandLine cmd = newCommandLine();
        cmd.setOut(out);
        cmd.setErr(err);
        return cmd.execute(args);
    }

    /**
     * Builds the configured picocli command line: one-line usage errors, exit code 2.
     *
     * @return the command line
     */
    public static CommandLine newCommandLine() {
        final CommandLine cmd = new CommandLine(new PktsimMain());
        cmd.registerConverter(Path.class, PktsimMain::path);
        cmd.setExitCodeExceptionMapper(t -> EXIT_FAILED);
        cmd.setParameterExceptionHandler((ex, args) -> {
            final CommandLine c = ex.getCommandLine();
            c.getErr().println("pktsim: " + oneLine(ex.getMessage()) + " (try '"
                + c.getCommandSpec().qualifiedName() + " --help')");
            c.getErr().flush();
            return EXIT_USAGE;
        });
        cmd.setExecutionExceptionHandler((ex, c, parseResult) -> {
            c.getErr().println("pktsim: " + oneLine(ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            if (verbose(parseResult)) {
                ex.printStackTrace(c.getErr());
            }
            c.getErr().flush();
            return EXIT_FAILED;
        });
        return cmd;
    }

    /**
     * Whether {@code --verbose} was given to a command or to {@code pktsim} before it.
     *
     * @param spec the command's spec
     * @return true to print stack traces after one-line errors
     */
    public static boolean verbose(final CommandLine.Model.CommandSpec spec) {
        for (CommandLine c = spec.commandLine(); c != null; c = c.getParent()) {
            final CommandLine.ParseResult p = c.getParseResult();
            if (p != null && p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /**
     * A path argument. One that names no file (a NUL character, possible through {@link #execute}) is a usage error
     * in words, where picocli's own converter printed Java's exception.
     */
    private static Path path(final String text) {
        try {
            return Path.of(text);
        } catch (final InvalidPathException e) {
            throw new CommandLine.TypeConversionException("'" + text.replace('\0', '?') + "' is not a file name ("
                + e.getReason().toLowerCase(Locale.ROOT) + ")");
        }
    }

    /** Whether {@code --verbose} was given to the command or any of its subcommands. */
    private static boolean verbose(final CommandLine.ParseResult parseResult) {
        for (CommandLine.ParseResult p = parseResult; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** The first line of a message, so that an error is one line on standard error. */
    private static String oneLine(final String message) {
        final int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).strip();
    }

    /**
     * Entry point.
     *
     * @param args the arguments
     */
    public static void main(final String[] args) {
        final PrintWriter out = new PrintWriter(System.out, true);
        final PrintWriter err = new PrintWriter(System.err, true);
        final int code = execute(out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * The build's identity, baked into the jar at build time.
     *
     * @return {version, commit (abbreviated, "unknown" outside a git checkout), dirty ("true" or "false")}
     */
    public static String[] buildInfo() {
        final Properties p = new Properties();
        try (InputStream in = PktsimMain.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (final IOException e) {
            return new String[] {"unknown", "unknown", "false"};
        }
        final String commit = p.getProperty("commit", "unknown");
        return new String[] {
            p.getProperty("version", "unknown"),
            commit.isEmpty() || commit.startsWith("${") ? "unknown" : commit,
            Boolean.toString("true".equals(p.getProperty("dirty")))
        };
    }

    /** Reads the version and git commit baked into the jar at build time. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            final String[] b = buildInfo();
            final String dirty = "true".equals(b[2]) ? "-dirty" : "";
            return new String[] {"pktsim " + b[0] + " (commit " + b[1] + dirty + ")"};
        }
    }
}
