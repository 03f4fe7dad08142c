package com.intellidial.simulator.http;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import tools.jackson.databind.node.ObjectNode;

/**
 * JSON resources by owner (a VAPI org, a Twilio account), kind and id, in concurrent maps. Stored nodes are never
 * mutated: an update swaps in a changed copy, so readers may serialize a node without locking.
 */
public final class ResourceStore {

    private final ConcurrentMap<Key, ConcurrentMap<String, Entry>> resources = new ConcurrentHashMap<>();

    private final AtomicLong sequence = new AtomicLong();

    /** Stores a new resource; the caller hands over {@code resource} and must not change it afterwards. */
    public void insert(String owner, String kind, String id, ObjectNode resource) {
        table(owner, kind).put(id, new Entry(this.sequence.incrementAndGet(), resource));
    }

    /** The resource, if the owner has one of this kind with this id. */
    public Optional<ObjectNode> find(String owner, String kind, String id) {
        return Optional.ofNullable(table(owner, kind).get(id)).map(Entry::resource);
    }

    /** Replaces a resource with {@code change} applied to a copy of it; empty if there is no such resource. */
    public Optional<ObjectNode> update(String owner, String kind, String id, UnaryOperator<ObjectNode> change) {
        Entry updated = table(owner, kind).computeIfPresent(id,
                (key, entry) -> new Entry(entry.sequence(), change.apply(entry.resource().deepCopy())));
        return Optional.ofNullable(updated).map(Entry::resource);
    }

    /** Removes and returns the resource, if there was one. */
    public Optional<ObjectNode> remove(String owner, String kind, String id) {
        return Optional.ofNullable(table(owner, kind).remove(id)).map(Entry::resource);
    }

    /** Every resource of this kind the owner has, newest first. */
    public List<ObjectNode> list(String owner, String kind) {
        return table(owner, kind).values()
            .stream()
            .sorted(Comparator.comparingLong(Entry::sequence).reversed())
            .map(Entry::resource)
            .toList();
    }

    private Map<String, Entry> table(String owner, String kind) {
        return this.resources.computeIfAbsent(new Key(owner, kind), key -> new ConcurrentHashMap<>());
    }

    private record Key(String owner, String kind) {
    }

    private record Entry(long sequence, ObjectNode resource) {
    }
}
