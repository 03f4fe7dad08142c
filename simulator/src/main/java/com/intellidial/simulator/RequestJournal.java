package com.intellidial.simulator;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import org.jspecify.annotations.Nullable;

/** Every request the simulator received, oldest first, bounded to the last {@value #CAPACITY}; thread-safe. */
public final class RequestJournal {

    /** How many requests are kept; older ones are dropped. */
    public static final int CAPACITY = 10_000;

    private final Deque<RecordedRequest> requests = new ArrayDeque<>();

    RequestJournal() {
    }

    void record(RecordedRequest request) {
        // A short critical section (no IO) is fine on the event loop and keeps all() consistent.
        synchronized (this.requests) {
            if (this.requests.size() == CAPACITY) {
                this.requests.removeFirst();
            }
            this.requests.addLast(request);
        }
    }

    /** A snapshot of all kept requests, oldest first. */
    public List<RecordedRequest> all() {
        synchronized (this.requests) {
            return List.copyOf(this.requests);
        }
    }

    /** The most recent request, or {@code null} if none was received. */
    public @Nullable RecordedRequest last() {
        synchronized (this.requests) {
            return this.requests.peekLast();
        }
    }

    /** The kept requests with this method (case-insensitive) whose path starts with {@code pathPrefix}, oldest first. */
    public List<RecordedRequest> matching(String method, String pathPrefix) {
        return all().stream()
            .filter(r -> r.method().equalsIgnoreCase(method) && r.path().startsWith(pathPrefix))
            .toList();
    }

    /** Forgets every kept request. */
    public void clear() {
        synchronized (this.requests) {
            this.requests.clear();
        }
    }

    /** How many requests are kept. */
    public int size() {
        synchronized (this.requests) {
            return this.requests.size();
        }
    }
}
