package com.intellidial.gateway.isolation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.intellidial.gateway.isolation.VapiClient.Reply;
import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.intellidial.gateway.support.TestUpstream;
import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.VapiMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestContextManager;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random interleavings of three shared-org tenants creating, reading, updating, listing, deleting
 * and referencing every kind of resource, each other's included, through the real gateway against
 * the simulator. A model of who owns what predicts every answer. Invariants: a tenant never reads,
 * changes, uses or deletes what it does not own (404, never forwarded), never sees another
 * tenant's id in a successful response, lists exactly its own live resources, and every
 * legitimate operation succeeds.
 */
@GatewayIntegrationTest
class VapiIsolationPropertyIntegrationTests {

    private static final int TENANTS = 3;

    private static VapiClient vapi;

    private static List<TestTenant> tenants;

    /** Everything ever created: id to family and owner, kept across tries (the org keeps it too). */
    private static final Map<String, Created> created = new HashMap<>();

    private static final Set<String> deleted = new HashSet<>();

    /**
     * jqwik has no Spring extension: take the application context from Spring's test context
     * cache, so this class shares the gateway every other {@code @GatewayIntegrationTest} uses
     * (and the cache, not this class, closes it).
     */
    @BeforeContainer
    static void start() {
        ApplicationContext context = new TestContextManager(VapiIsolationPropertyIntegrationTests.class).getTestContext()
            .getApplicationContext();
        vapi = new VapiClient(context.getBean(WebTestClient.class));
        // Faults another class left armed on the shared simulator would fail legitimate operations here.
        TestUpstream.simulator().faults().clear();
        TestTenants factory = context.getBean(TestTenants.class);
        tenants = new ArrayList<>();
        for (int i = 0; i < TENANTS; i++) {
            tenants.add(factory.create("prop", VapiMode.SHARED_ORG, TelephonyMode.VAPI_NUMBER));
        }
    }

    @Property(tries = 15, shrinking = ShrinkingMode.OFF)
    void tenantsNeverTouchEachOthersResources(@ForAll("operations") List<Operation> operations) {
        for (Operation operation : operations) {
            apply(operation);
        }
        for (int actor = 0; actor < TENANTS; actor++) {
            for (Family family : Family.values()) {
                checkList(actor, family);
            }
        }
    }

    @Provide
    Arbitrary<List<Operation>> operations() {
        Arbitrary<Operation> operation = Combinators.combine(Arbitraries.integers().between(0, TENANTS - 1),
                Arbitraries.of(Kind.class), Arbitraries.of(Family.class), Arbitraries.integers().between(0, 1000),
                Arbitraries.integers().between(0, 1000), Arbitraries.of(true, true, false))
            .as(Operation::new);
        return operation.list().ofMinSize(5).ofMaxSize(25);
    }

    private void apply(Operation op) {
        TestTenant actor = tenants.get(op.actor());
        Family family = op.family();
        String ref = (family.refType() != null && op.withRef()) ? pick(family.refType(), op.refPick()) : null;
        switch (op.kind()) {
            case CREATE -> {
                Reply reply = vapi.post(actor, family.path(), family.body(ref));
                if (ref == null || usable(op.actor(), ref)) {
                    assertThat(reply.status()).as(op + " " + reply).isEqualTo(201);
                    String id = reply.json().get("id").stringValue();
                    created.put(id, new Created(family, op.actor()));
                    assertNoForeignIds(op.actor(), reply);
                }
                else {
                    expectHidden(op, reply);
                }
            }
            case READ -> {
                String target = pick(family, op.pick());
                Reply reply = vapi.get(actor, family.path() + "/" + target);
                if (usable(op.actor(), target)) {
                    assertThat(reply.status()).as(op + " " + reply).isEqualTo(200);
                    assertThat(reply.json().get("id").stringValue()).isEqualTo(target);
                    assertNoForeignIds(op.actor(), reply);
                }
                else {
                    expectHidden(op, reply);
                }
            }
            case UPDATE -> {
                if (!family.updatable()) {
                    return;
                }
                String target = pick(family, op.pick());
                Reply reply = vapi.patch(actor, family.path() + "/" + target, family.update(ref));
                boolean refOk = ref == null || !family.updateHasRef() || usable(op.actor(), ref);
                if (usable(op.actor(), target) && refOk) {
                    assertThat(reply.status()).as(op + " " + reply).isEqualTo(200);
                    assertNoForeignIds(op.actor(), reply);
                }
                else {
                    expectHidden(op, reply);
                }
            }
            case DELETE -> {
                String target = pick(family, op.pick());
                Reply reply = vapi.delete(actor, family.path() + "/" + target);
                if (usable(op.actor(), target)) {
                    assertThat(reply.status()).as(op + " " + reply).isEqualTo(200);
                    deleted.add(target);
                }
                else {
                    expectHidden(op, reply);
                }
            }
            case LIST -> checkList(op.actor(), family);
            case FILTER -> {
                String assistant = pick(Family.ASSISTANT, op.pick());
                Reply reply = vapi.get(actor, "/call?assistantId=" + assistant);
                if (usable(op.actor(), assistant)) {
                    assertThat(reply.status()).as(op + " " + reply).isEqualTo(200);
                    assertNoForeignIds(op.actor(), reply);
                }
                else {
                    expectHidden(op, reply);
                }
            }
        }
    }

    private void checkList(int actor, Family family) {
        Reply reply = vapi.get(tenants.get(actor), family.path() + "?limit=1000");
        assertThat(reply.status()).as("list " + family + " " + reply).isEqualTo(200);
        JsonNode json = reply.json();
        JsonNode items = json.isArray() ? json : json.get("results");
        Set<String> listed = new HashSet<>();
        items.forEach(item -> listed.add(item.get("id").stringValue()));
        Set<String> expected = new HashSet<>();
        created.forEach((id, resource) -> {
            if (resource.family() == family && resource.owner() == actor && !deleted.contains(id)) {
                expected.add(id);
            }
        });
        assertThat(listed).as("tenant %d lists %s", actor, family).isEqualTo(expected);
        assertNoForeignIds(actor, reply);
    }

    /** Another tenant's (or a deleted) resource answers exactly like one that never existed. */
    private static void expectHidden(Operation op, Reply reply) {
        assertThat(reply.status()).as(op + " " + reply).isEqualTo(404);
        assertThat(reply.forwarded()).as(op + " must not reach VAPI").isFalse();
        assertThat(reply.body()).doesNotContainIgnoringCase("forbidden").doesNotContainIgnoringCase("owner");
    }

    private static void assertNoForeignIds(int actor, Reply reply) {
        created.forEach((id, resource) -> {
            if (resource.owner() != actor) {
                assertThat(reply.body()).as("tenant %d sees %s of tenant %d", actor, id, resource.owner()).doesNotContain(id);
            }
        });
    }

    private static boolean usable(int actor, String id) {
        Created resource = created.get(id);
        return resource != null && resource.owner() == actor && !deleted.contains(id);
    }

    /** Any id of the family ever created, by anyone, live or deleted; or an id nobody has. */
    private static String pick(Family family, int index) {
        List<String> ids = created.entrySet().stream()
            .filter(entry -> entry.getValue().family() == family)
            .map(Map.Entry::getKey)
            .sorted()
            .toList();
        return (ids.isEmpty() || index % 7 == 0) ? UUID.randomUUID().toString() : ids.get(index % ids.size());
    }

    enum Kind {

        CREATE, READ, UPDATE, DELETE, LIST, FILTER
    }

    /** A resource family, with what its bodies reference. */
    enum Family {

        TOOL("/tool", null, "{\"type\":\"function\"}", null, true),
        ASSISTANT("/assistant", TOOL, "{\"name\":\"p\",\"model\":{\"provider\":\"openai\",\"toolIds\":[\"REF\"]}}",
                "{\"name\":\"p\"}", true),
        SQUAD("/squad", ASSISTANT, "{\"members\":[{\"assistantId\":\"REF\"}]}", "{\"members\":[]}", true),
        PHONE_NUMBER("/phone-number", ASSISTANT, "{\"provider\":\"vapi\",\"assistantId\":\"REF\"}", "{\"provider\":\"vapi\"}",
                true),
        SESSION("/session", ASSISTANT, "{\"assistantId\":\"REF\"}", "{\"name\":\"s\"}", false),
        CAMPAIGN("/campaign", PHONE_NUMBER, "{\"name\":\"c\",\"phoneNumberId\":\"REF\"}", "{\"name\":\"c\"}", true),
        STRUCTURED_OUTPUT("/structured-output", ASSISTANT, "{\"name\":\"o\",\"schema\":{},\"assistantIds\":[\"REF\"]}",
                "{\"name\":\"o\",\"schema\":{}}", true),
        KNOWLEDGE_BASE("/v2/knowledge-base", null, "{\"name\":\"kb\"}", null, false),
        CALL("/call", ASSISTANT, "{\"assistantId\":\"REF\"}", "{}", false);

        private final String path;

        private final @Nullable Family refType;

        private final String withRef;

        private final @Nullable String withoutRef;

        private final boolean updateHasRef;

        Family(String path, @Nullable Family refType, String withRef, @Nullable String withoutRef, boolean updateHasRef) {
            this.path = path;
            this.refType = refType;
            this.withRef = withRef;
            this.withoutRef = withoutRef;
            this.updateHasRef = updateHasRef;
        }

        String path() {
            return this.path;
        }

        @Nullable Family refType() {
            return this.refType;
        }

        String body(@Nullable String ref) {
            if (ref == null) {
                return (this.withoutRef != null) ? this.withoutRef : this.withRef;
            }
            return this.withRef.replace("REF", ref);
        }

        boolean updatable() {
            return this != CALL;
        }

        boolean updateHasRef() {
            return this.updateHasRef && this.refType != null;
        }

        /** PATCH bodies: the create body's reference when the update DTO has it, a harmless field otherwise. */
        String update(@Nullable String ref) {
            if (ref != null && updateHasRef()) {
                return this.withRef.replace("REF", ref).replace("\"provider\":\"vapi\",", "");
            }
            return switch (this) {
                case TOOL -> "{\"async\":true}";
                case PHONE_NUMBER -> "{\"name\":\"front\"}";
                default -> "{\"name\":\"renamed\"}";
            };
        }
    }

    record Operation(int actor, Kind kind, Family family, int pick, int refPick, boolean withRef) {
    }

    record Created(Family family, int owner) {
    }
}
