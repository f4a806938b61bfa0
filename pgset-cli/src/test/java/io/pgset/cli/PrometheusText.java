package io.pgset.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format (0.0.4), as a scraper would read it:
 * every line is a HELP, a TYPE or a sample; a sample belongs to a family whose TYPE came before it;
 * names and label names are valid; values are numbers; no series appears twice.
 */
final class PrometheusText {

    /** One sample: its metric name, its labels, its value. */
    record Sample(String name, Map<String, String> labels, double value) {}

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|untyped|histogram|summary)");
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") .*");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{(.*)\\})? (\\S+)( -?\\d+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\[\\\\\"n])*)\",?");

    final List<Sample> samples = new ArrayList<>();
    final Map<String, String> types = new LinkedHashMap<>();

    /** @throws IllegalArgumentException naming the first line that is not valid */
    static PrometheusText parse(String text) {
        PrometheusText parsed = new PrometheusText();
        Set<String> series = new HashSet<>();
        String family = null;
        int number = 0;
        for (String line : text.split("\n")) {
            number++;
            Matcher m;
            if (line.isEmpty() || HELP.matcher(line).matches()) {
                continue;
            } else if ((m = TYPE.matcher(line)).matches()) {
                if (parsed.types.put(m.group(1), m.group(2)) != null) {
                    throw invalid(number, line, "a second TYPE for the family");
                }
                family = m.group(1);
            } else if ((m = SAMPLE.matcher(line)).matches()) {
                String name = m.group(1);
                if (family == null || !(name.equals(family) || name.startsWith(family + "_"))) {
                    throw invalid(number, line, "a sample outside its family's TYPE");
                }
                Map<String, String> labels = labels(m.group(3) == null ? "" : m.group(3), number, line);
                if (!series.add(name + labels)) {
                    throw invalid(number, line, "a series that appeared before");
                }
                parsed.samples.add(new Sample(name, labels, value(m.group(4), number, line)));
            } else {
                throw invalid(number, line, "neither HELP, TYPE nor a sample");
            }
        }
        return parsed;
    }

    private static Map<String, String> labels(String text, int number, String line) {
        Map<String, String> labels = new HashMap<>();
        Matcher m = LABEL.matcher(text);
        int end = 0;
        while (m.find() && m.start() == end) {
            labels.put(m.group(1), m.group(2));
            end = m.end();
        }
        if (end != text.length()) {
            throw invalid(number, line, "labels that do not parse");
        }
        return labels;
    }

    private static double value(String text, int number, String line) {
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                try {
                    yield Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw invalid(number, line, "a value that is not a number");
                }
            }
        };
    }

    private static IllegalArgumentException invalid(int number, String line, String what) {
        return new IllegalArgumentException("line " + number + " is " + what + ": " + line);
    }

    /** Every metric name a sample carries. */
    Set<String> names() {
        Set<String> names = new HashSet<>();
        samples.forEach(s -> names.add(s.name()));
        return names;
    }

    /** The value of the one sample of this name whose labels include these. */
    Optional<Double> value(String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
                .map(Sample::value).findFirst();
    }

    Optional<Double> value(String name) {
        return value(name, Map.of());
    }
}
