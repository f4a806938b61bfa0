package io.pgset.cli;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/** A {@code --timeout}: a whole number of seconds, at least one (zero or less would give up before starting). */
final class Seconds implements ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        return Duration.ofSeconds(AtLeastOne.parse(value, "seconds"));
    }
}
