package io.pktsim.cli.config;

/**
 * A configuration problem at a known place. Its message is one line:
 * {@code FILE:LINE:COLUMN: WHAT}.
 */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;
    private final int column;
    private final String detail;

    /**
     * Creates the exception.
     *
     * @param source the file (or "-" for standard input)
     * @param line 1-based line, 0 if unknown
     * @param column 1-based column, 0 if unknown
     * @param detail what is wrong and what is allowed
     */
    public ConfigException(final String source, final int line, final int column, final String detail) {
        super(format(source, line, column, detail));
        this.source = source;
        this.line = line;
        this.column = column;
        this.detail = detail;
    }

    private static String format(final String source, final int line, final int column, final String detail) {
        final StringBuilder sb = new StringBuilder(source);
        if (line > 0) {
            sb.append(':').append(line);
            if (column > 0) {
                sb.append(':').append(column);
            }
        }
        return sb.append(": ").append(detail).toString();
    }

    /** @return the file */
    public String source() {
        return source;
    }

    /** @return the 1-based line, 0 if unknown */
    public int line() {
        return line;
    }

    /** @return the 1-based column, 0 if unknown */
    public int column() {
        return column;
    }

    /** @return what is wrong, without the place */
    public String detail() {
        return detail;
    }
}
