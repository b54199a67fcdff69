package io.infergate.controller.status;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The status of every object we own a part of, sorted by kind, namespace and name. A plan from
 * the translator has no timestamps; a stamped plan has them on every condition.
 */
public record StatusPlan(List<Entry> entries) {

    public StatusPlan {
        entries = entries.stream().sorted(Comparator.comparing(Entry::key)).toList();
    }

    /** The plan with no entries. */
    public static StatusPlan empty() {
        return new StatusPlan(List.of());
    }

    /** One object's status. */
    public record Entry(ObjectKey key, ObjectStatus status) {}

    /** The status of one object, if planned. */
    public Optional<ObjectStatus> get(ObjectKey key) {
        return entries.stream()
                .filter(e -> e.key().equals(key))
                .map(Entry::status)
                .findFirst();
    }

    /** Entries by key, for lookups over the whole plan. */
    public Map<ObjectKey, ObjectStatus> byKey() {
        return entries.stream().collect(Collectors.toMap(Entry::key, Entry::status));
    }

    /** A plan with every status rewritten. */
    public StatusPlan map(Function<Entry, ObjectStatus> f) {
        return new StatusPlan(
                entries.stream().map(e -> new Entry(e.key(), f.apply(e))).toList());
    }
}
