package com.intellidial.gateway.onboarding;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Onboarding runs in PostgreSQL ({@code onboardings}): one row per idempotency key. */
final class OnboardingRecords {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final TypeReference<List<Step>> STEPS = new TypeReference<>() {
    };

    private final DatabaseClient db;

    OnboardingRecords(DatabaseClient db) {
        this.db = db;
    }

    /** Starts a run for the key, or returns the one an earlier request started. */
    Mono<Run> start(String idempotencyKey, byte[] requestHash, String tenantId) {
        UUID id = UUID.randomUUID();
        return this.db.sql("""
                insert into onboardings (id, idempotency_key, request_sha256, tenant_id, state, steps)
                values ($1, $2, $3, $4, 'running', '[]') on conflict (idempotency_key) do nothing""")
            .bind(0, id)
            .bind(1, idempotencyKey)
            .bind(2, requestHash)
            .bind(3, tenantId)
            .then()
            .then(this.db.sql(SELECT + " where idempotency_key = $1").bind(0, idempotencyKey).map(OnboardingRecords::run).one());
    }

    /** A run by id; empty when unknown. */
    Mono<Run> find(UUID id) {
        return this.db.sql(SELECT + " where id = $1").bind(0, id).map(OnboardingRecords::run).one();
    }

    /** Records the run's steps and state; called after every step, before the next starts. */
    Mono<Run> save(Run run) {
        DatabaseClient.GenericExecuteSpec update = this.db.sql(
                "update onboardings set state = $2, steps = $3, failure = $4, updated_at = now() where id = $1")
            .bind(0, run.id())
            .bind(1, run.state())
            .bind(2, JSON.writeValueAsString(run.steps()));
        update = (run.failure() != null) ? update.bind(3, run.failure()) : update.bindNull(3, String.class);
        return update.then().thenReturn(run);
    }

    private static final String SELECT = """
            select id, idempotency_key, request_sha256, tenant_id, state, steps, failure, created_at, updated_at from onboardings""";

    private static Run run(Readable row) {
        OffsetDateTime created = row.get("created_at", OffsetDateTime.class);
        OffsetDateTime updated = row.get("updated_at", OffsetDateTime.class);
        byte[] hash = row.get("request_sha256", byte[].class);
        return new Run(row.get("id", UUID.class), String.valueOf(row.get("idempotency_key", String.class)),
                (hash != null) ? hash : new byte[0], String.valueOf(row.get("tenant_id", String.class)),
                String.valueOf(row.get("state", String.class)),
                JSON.readValue(String.valueOf(row.get("steps", String.class)), STEPS), row.get("failure", String.class),
                (created != null) ? created.toInstant() : null, (updated != null) ? updated.toInstant() : null);
    }

    /**
     * One onboarding run.
     * @param id its id ({@code GET /admin/v1/onboardings/{id}})
     * @param idempotencyKey the caller's key
     * @param requestHash SHA-256 of the request body, so the same key with another body is refused
     * @param tenantId the tenant it onboards
     * @param state {@code running}, {@code completed} or {@code failed}
     * @param steps what was done, in order
     * @param failure what failed, or {@code null}
     * @param createdAt when it started
     * @param updatedAt when it last changed
     */
    record Run(UUID id, String idempotencyKey, byte[] requestHash, String tenantId, String state, List<Step> steps,
            @Nullable String failure, @Nullable Instant createdAt, @Nullable Instant updatedAt) {

        Run {
            steps = List.copyOf(steps);
        }

        @Nullable Step step(String name) {
            return this.steps.stream().filter(step -> step.name().equals(name)).findFirst().orElse(null);
        }

        String id(String step, String field) {
            Step found = step(step);
            String value = (found != null) ? found.ids().get(field) : null;
            if (value == null) {
                throw new IllegalStateException("step " + step + " recorded no " + field);
            }
            return value;
        }

        Run with(Step step) {
            List<Step> updated = new ArrayList<>(this.steps);
            updated.removeIf(existing -> existing.name().equals(step.name()));
            updated.add(step);
            return new Run(this.id, this.idempotencyKey, this.requestHash, this.tenantId, this.state, updated, this.failure,
                    this.createdAt, this.updatedAt);
        }

        Run replacing(List<Step> newSteps, String newState, @Nullable String newFailure) {
            return new Run(this.id, this.idempotencyKey, this.requestHash, this.tenantId, newState, newSteps, newFailure,
                    this.createdAt, this.updatedAt);
        }

        Run done(String name, Map<String, String> ids) {
            return with(new Step(name, "done", ids));
        }
    }
}
