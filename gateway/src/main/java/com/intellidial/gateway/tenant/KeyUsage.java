package com.intellidial.gateway.tenant;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * "Last used" of gateway keys without a database write per request: the request path only notes
 * the first use of a key in the current interval (one map lookup), and {@link #flush()} writes all
 * of them in one statement, so each key costs at most one write per flush interval (a minute).
 */
public final class KeyUsage {

    private final Map<String, Instant> pending = new ConcurrentHashMap<>();

    private final DatabaseClient db;

    private final Clock clock;

    KeyUsage(DatabaseClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Notes that a key was used now; free when it was already noted in this interval. */
    void used(String keyId) {
        if (!this.pending.containsKey(keyId)) {
            this.pending.putIfAbsent(keyId, this.clock.instant());
        }
    }

    /** Writes what was noted since the last flush; emits how many keys it updated. */
    public Mono<Long> flush() {
        List<String> ids = new ArrayList<>();
        List<Instant> times = new ArrayList<>();
        for (Iterator<Map.Entry<String, Instant>> it = this.pending.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, Instant> entry = it.next();
            ids.add(entry.getKey());
            times.add(entry.getValue());
            it.remove();
        }
        if (ids.isEmpty()) {
            return Mono.just(0L);
        }
        return this.db.sql("""
                update api_keys k set last_used_at = greatest(k.last_used_at, u.at)
                from unnest($1::text[], $2::timestamptz[]) as u(key_id, at) where k.key_id = u.key_id""")
            .bind(0, ids.toArray(new String[0]))
            .bind(1, times.toArray(new Instant[0]))
            .fetch()
            .rowsUpdated();
    }
}
