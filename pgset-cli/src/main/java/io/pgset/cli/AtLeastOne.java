package io.pgset.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A count that must be a whole number, at least one (such as {@code --instances}). */
final class AtLeastOne implements ITypeConverter<Integer> {

    @Override
    public Integer convert(String value) {
        return (int) parse(value, "");
    }

    static long parse(String value, String unit) {
        String what = unit.isEmpty() ? "a whole number" : "a whole number of " + unit;
        long n;
        try {
            n = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not " + what + "; give " + what + ", at least 1");
        }
        if (n < 1 || n > Integer.MAX_VALUE) {
            throw new TypeConversionException("must be " + what + " from 1 to " + Integer.MAX_VALUE + ", got " + value);
        }
        return n;
    }
}
