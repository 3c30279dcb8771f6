package io.pktsim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds and runs the runnable examples of the documentation (the convention is in docs/README.md): fenced
 * blocks marked {@code console}, whose {@code $ ./pktsim ...} lines are run in-process through
 * {@link PktsimMain#execute} and whose following lines are the expected output.
 */
final class DocsExamples {

    /** A line that stands for any run of lines (none included). */
    static final String ANY_LINES = "[...]";

    private static final Pattern EXIT = Pattern.compile("\\[exit (\\d+)]");

    private DocsExamples() {
    }

    /** One command of a console block and what it must print. */
    static final class Example {
        final Path file;
        final int line;
        final String command;
        final List<String> args;
        final List<String> expected;
        final int expectedExit;

        Example(final Path file, final int line, final String command, final List<String> args,
            final List<String> expected, final int expectedExit) {
            this.file = file;
            this.line = line;
            this.command = command;
            this.args = args;
            this.expected = expected;
            this.expectedExit = expectedExit;
        }

        @Override
        public String toString() {
            return file.getFileName() + ":" + line + " $ " + command;
        }
    }

    /** The Markdown files the examples are looked for in: README.md and everything under docs/. */
    static List<Path> markdownFiles(final Path root) throws IOException {
        final List<Path> files = new ArrayList<>();
        files.add(root.resolve("README.md"));
        try (Stream<Path> s = Files.walk(root.resolve("docs"))) {
            files.addAll(s.filter(p -> p.toString().endsWith(".md")).sorted().collect(Collectors.toList()));
        }
        return files;
    }

    /** Parses the console blocks of one Markdown text. */
    static List<Example> parse(final Path file, final String markdown) {
        final List<Example> examples = new ArrayList<>();
        final String[] lines = markdown.split("\n", -1);
        int i = 0;
        while (i < lines.length) {
            final String fence = lines[i].strip();
            i++;
            if (!fence.startsWith("```")) {
                continue;
            }
            final boolean console = fence.substring(3).strip().equals("console");
            final int blockStart = i;
            while (i < lines.length && !lines[i].strip().startsWith("```")) {
                i++;
            }
            if (i >= lines.length) {
                throw new IllegalArgumentException(file + ":" + blockStart + ": unclosed fenced block");
            }
            if (console) {
                parseBlock(file, lines, blockStart, i, examples);
            }
            i++;
        }
        return examples;
    }

    private static void parseBlock(final Path file, final String[] lines, final int from, final int to,
        final List<Example> out) {
        int i = from;
        while (i < to) {
            final String line = lines[i].stripTrailing();
            if (line.isEmpty()) {
                i++;
                continue;
            }
            if (!line.startsWith("$ ")) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": a console block must start with a "
                    + "'$ ./pktsim ...' line, found: " + line);
            }
            final String command = line.substring(2).strip();
            final List<String> words = split(file, i + 1, command);
            if (words.isEmpty() || !(words.get(0).equals("./pktsim") || words.get(0).equals("pktsim"))) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": only './pktsim' commands can run in "
                    + "a console block; use a 'sh' block for other commands: " + command);
            }
            final int commandLine = i + 1;
            i++;
            final List<String> expected = new ArrayList<>();
            while (i < to && !lines[i].startsWith("$ ")) {
                expected.add(lines[i].stripTrailing());
                i++;
            }
            while (!expected.isEmpty() && expected.get(expected.size() - 1).isEmpty()) {
                expected.remove(expected.size() - 1);
            }
            int exit = 0;
            if (!expected.isEmpty()) {
                final var m = EXIT.matcher(expected.get(expected.size() - 1));
                if (m.matches()) {
                    exit = Integer.parseInt(m.group(1));
                    expected.remove(expected.size() - 1);
                }
            }
            while (!expected.isEmpty() && expected.get(expected.size() - 1).isEmpty()) {
                expected.remove(expected.size() - 1);
            }
            out.add(new Example(file, commandLine, command, words.subList(1, words.size()), expected, exit));
        }
    }

    /** Splits a command line into words as a shell does for plain words and '...' or "..." quotes. */
    static List<String> split(final Path file, final int line, final String command) {
        final List<String> words = new ArrayList<>();
        final StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < command.length(); i++) {
            final char c = command.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else if ("|&;<>$`\\*?".indexOf(c) >= 0) {
                throw new IllegalArgumentException(file + ":" + line + ": shell syntax '" + c + "' is not supported "
                    + "in a runnable example: " + command);
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException(file + ":" + line + ": unclosed quote in: " + command);
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /**
     * Runs an example in-process and compares: returns null if it passed, else a description of the
     * difference.
     */
    static String check(final Example example) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int exit;
        try (PrintWriter o = new PrintWriter(out); PrintWriter e = new PrintWriter(err)) {
            exit = PktsimMain.execute(o, e, example.args.toArray(new String[0]));
        }
        final List<String> actual = new ArrayList<>();
        (out.toString() + err.toString()).replace("\r\n", "\n").lines().map(String::stripTrailing)
            .forEach(actual::add);
        while (!actual.isEmpty() && actual.get(actual.size() - 1).isEmpty()) {
            actual.remove(actual.size() - 1);
        }
        final StringBuilder problems = new StringBuilder();
        if (exit != example.expectedExit) {
            problems.append("exit code ").append(exit).append(", expected ").append(example.expectedExit).append('\n');
        }
        if (!matches(example.expected, 0, actual, 0)) {
            problems.append("output differs.\n--- expected\n").append(String.join("\n", example.expected))
                .append("\n--- actual\n").append(String.join("\n", actual)).append('\n');
        }
        return problems.length() == 0 ? null : example.file + ":" + example.line + ": $ " + example.command + "\n"
            + problems;
    }

    /** Line-wise match where a line {@code [...]} matches any run of lines and {@code [...]} in a line any text. */
    static boolean matches(final List<String> expected, final int e, final List<String> actual, final int a) {
        if (e == expected.size()) {
            return a == actual.size();
        }
        final String pattern = expected.get(e);
        if (pattern.strip().equals(ANY_LINES)) {
            for (int skip = a; skip <= actual.size(); skip++) {
                if (matches(expected, e + 1, actual, skip)) {
                    return true;
                }
            }
            return false;
        }
        return a < actual.size() && lineMatches(pattern, actual.get(a)) && matches(expected, e + 1, actual, a + 1);
    }

    static boolean lineMatches(final String pattern, final String line) {
        if (!pattern.contains(ANY_LINES)) {
            return pattern.equals(line);
        }
        final String[] parts = pattern.split(Pattern.quote(ANY_LINES), -1);
        final StringBuilder regex = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(parts[i]));
        }
        return line.matches(regex.toString());
    }

    static String read(final Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
