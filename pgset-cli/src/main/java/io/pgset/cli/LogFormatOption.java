package io.pgset.cli;

import io.pgset.core.model.LogFormat;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --log-format text|json}; anything else is refused with the accepted values. */
final class LogFormatOption implements ITypeConverter<LogFormat> {

    @Override
    public LogFormat convert(String value) {
        try {
            return LogFormat.of(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
