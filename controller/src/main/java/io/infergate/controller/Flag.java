package io.infergate.controller;

import java.util.List;

/**
 * One command-line flag as its settings record declares it: the parser accepts it and the usage
 * text describes it from this declaration, so a new setting is declared once, next to the record
 * component it fills.
 *
 * @param name       {@code --like-this}
 * @param value      the value's placeholder in the usage text ({@code FILE}); empty for a boolean
 * @param help       the usage text's lines for it (the first names the default)
 * @param repeatable given several times (and comma-separated) to make a list
 * @param bool       alone means true; {@code =false} or a following {@code false} turns it off
 */
record Flag(String name, String value, List<String> help, boolean repeatable, boolean bool) {

    /** A flag that takes one value. */
    static Flag of(String name, String value, String... help) {
        return new Flag(name, value, List.of(help), false, false);
    }

    /** A flag that may be given several times, each value a comma-separated list. */
    static Flag list(String name, String value, String... help) {
        return new Flag(name, value, List.of(help), true, false);
    }

    /** A true/false flag, true when given alone. */
    static Flag bool(String name, String... help) {
        return new Flag(name, "", List.of(help), false, true);
    }

    /** Its lines in the usage text: the flag in a column of 25, the help beside and below it. */
    String usage() {
        String head = "  " + name + (bool ? "[=true|false]" : " " + value);
        StringBuilder out = new StringBuilder();
        List<String> lines = help;
        if (head.length() > 26) {
            out.append(head).append('\n');
        } else {
            out.append(String.format("%-27s%s%n", head, lines.getFirst()));
            lines = lines.subList(1, lines.size());
        }
        lines.forEach(l -> out.append(" ".repeat(27)).append(l).append('\n'));
        return out.toString();
    }
}
